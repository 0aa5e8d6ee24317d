import { AppstoreOutlined, FileTextOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Input, Modal } from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, navigate, useLocale, useT, entityTitle, label, type RuntimeMeta } from '@metacrm/ui-kit';
import { appMessages } from './app.messages';

/** Opens the command menu on Ctrl+K (Cmd+K on a Mac), wherever the focus is. */
export function useCommandShortcut(open: () => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        open();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
}

/** `GET /api/search`: hits per entity, each with the record's display value. */
interface SearchAnswer {
  results: { entity: string; records: { id: string; title: string | null }[]; more: boolean }[];
}

interface Command {
  key: string;
  icon: ReactNode;
  text: string;
  hint?: string;
  run: () => void;
}

/**
 * Ctrl/Cmd+K: go to an entity, create a record, or open a record found by a search
 * across the entities (each entity's search, the first few hits each). Arrows move,
 * Enter runs, Esc closes.
 */
export function CommandMenu({ meta, onClose }: { meta: RuntimeMeta; onClose: () => void }) {
  const t = useT(appMessages);
  const { locale } = useLocale();
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const term = q.trim();
  const search = useQuery({
    queryKey: ['global-search', term],
    enabled: term.length >= 2,
    // One call searches every entity the user may read, within their scope (GET /api/search).
    queryFn: async ({ signal }) => {
      const found = await api.get<SearchAnswer>(`/api/search?limit=5&q=${encodeURIComponent(term)}`, { signal });
      return found.results.flatMap((r) => {
        const entity = meta.entities.find((e) => e.key === r.entity);
        return entity ? r.records.map((record) => ({ entity, record })) : [];
      });
    },
  });
  const commands = useMemo<Command[]>(() => {
    const lower = term.toLowerCase();
    const entities = meta.entities.filter((e) => !lower || entityTitle(e, locale).toLowerCase().includes(lower) || e.key.includes(lower));
    return [
      ...(search.data ?? []).map(({ entity, record }) => ({
        key: `r:${entity.key}:${record.id}`,
        icon: <FileTextOutlined />,
        text: record.title ?? record.id,
        hint: label(entity.label, locale, entity.key),
        run: () => navigate(`/e/${entity.key}?open=${record.id}`),
      })),
      ...entities.map((e) => ({
        key: `e:${e.key}`,
        icon: <AppstoreOutlined />,
        text: entityTitle(e, locale),
        hint: t('entities'),
        run: () => navigate(`/e/${e.key}`),
      })),
      ...entities.map((e) => ({
        key: `n:${e.key}`,
        icon: <PlusOutlined />,
        text: t('newRecordOf', { entity: label(e.label, locale, e.key) }),
        hint: t('actions'),
        run: () => navigate(`/e/${e.key}?new=1`),
      })),
    ];
  }, [meta, term, locale, search.data, t]);
  const run = (c: Command | undefined) => {
    if (!c) return;
    onClose();
    c.run();
  };
  return (
    <Modal open onCancel={onClose} footer={null} closable={false} title={t('commandMenu')} destroyOnHidden className="mc-command-menu">
      <Input
        autoFocus
        role="combobox"
        aria-expanded
        aria-controls="mc-command-list"
        aria-activedescendant={commands[active] ? `cmd-${active}` : undefined}
        aria-label={t('commandHint')}
        placeholder={t('commandHint')}
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(commands.length - 1, a + 1));
          }
          if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          }
          if (e.key === 'Enter') run(commands[active]);
        }}
        data-testid="command-input"
      />
      <ul id="mc-command-list" role="listbox" aria-label={t('commandMenu')} className="mc-command-list">
        {search.isFetching && (
          <li className="mc-muted" role="presentation">
            {t('searching')}
          </li>
        )}
        {commands.length === 0 && !search.isFetching && (
          <li className="mc-muted" role="presentation">
            {t('noResults')}
          </li>
        )}
        {commands.slice(0, 30).map((c, i) => (
          <li
            key={c.key}
            id={`cmd-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'mc-command--active' : ''}
            onMouseEnter={() => setActive(i)}
            onClick={() => run(c)}
          >
            {c.icon} <span>{c.text}</span> {c.hint && <span className="mc-muted mc-command__hint">{c.hint}</span>}
          </li>
        ))}
      </ul>
    </Modal>
  );
}
