import type { Bundle, ItemKind } from '@metacrm/metadata';
import { Button, Input, Table, Tabs, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { EmptyState, Link, useLocale, useT } from '@metacrm/ui-kit';
import { href } from '../common/href';
import type { DraftChanges } from '../api/queries';
import { labelOf, type I18nText } from '../common/labels';
import { DraftMarker } from '../common/marker';
import { designerMessages } from '../designer.messages';

const NewWorkflowDialog = lazy(async () => ({ default: (await import('../workflow/new-workflow-dialog')).NewWorkflowDialog }));

/** The kinds the home lists, in the order an admin builds them. */
const LISTED: ItemKind[] = ['entities', 'workflows', 'roles', 'navigation', 'dashboards'];
/** The kinds with a designer page, by the path below which an item opens. */
const EDITORS: Partial<Record<ItemKind, string>> = { entities: '/entities/', workflows: '/workflows/', roles: '/roles/' };

type Row = { key: string; label?: Partial<I18nText>; fields?: unknown[]; change?: 'added' | 'changed' | 'removed' };

/**
 * The draft's entities, workflows, roles, navigation and dashboards, one searchable
 * table each, with the draft marker of every item changed since the last publish (and
 * the items the draft removes, still listed so the removal shows).
 */
export function ItemLists({
  bundle,
  changes,
  onNewEntity,
  onNewRole,
}: {
  bundle: Bundle;
  changes: DraftChanges | undefined;
  onNewEntity: () => void;
  onNewRole: () => void;
}) {
  const t = useT(designerMessages);
  const tabs = LISTED.map((kind) => {
    const items = ((bundle as unknown as Record<string, Row[] | undefined>)[kind] ?? []).map((item) => ({
      ...item,
      change: changes?.marker(kind, item.key),
    }));
    const removed = (changes?.diff.changes ?? [])
      .filter((c) => c.kind === kind && c.change === 'removed')
      .map((c): Row => ({ key: c.key, change: 'removed' }));
    return {
      key: kind,
      label: `${t(`kind.${kind}`)} (${items.length})`,
      children: <KindList kind={kind} rows={[...items, ...removed]} bundle={bundle} onNew={kind === 'roles' ? onNewRole : onNewEntity} />,
    };
  });
  return <Tabs items={tabs} className="dz-lists" data-testid="item-lists" />;
}

function KindList({ kind, rows, bundle, onNew }: { kind: ItemKind; rows: Row[]; bundle: Bundle; onNew: () => void }) {
  const t = useT(designerMessages);
  const { locale } = useLocale();
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return rows;
    return rows.filter((r) => [r.key, r.label?.en, r.label?.['zh-CN']].some((s) => s?.toLowerCase().includes(q)));
  }, [rows, query]);
  const editor = EDITORS[kind];
  const editable = editor !== undefined;
  const [newWorkflow, setNewWorkflow] = useState(false);
  if (rows.length === 0 && kind === 'entities') {
    return (
      <EmptyState
        title={t('entities.emptyTitle')}
        description={t('entities.emptyDescription')}
        action={
          <Button type="primary" onClick={onNew} data-testid="new-entity">
            {t('entities.new')}
          </Button>
        }
      />
    );
  }
  return (
    <div className="dz-list" data-testid={`list-${kind}`}>
      <div className="dz-list__toolbar">
        <Input.Search
          allowClear
          placeholder={t('list.search', { kind: t(`kind.${kind}`) })}
          aria-label={t('list.search', { kind: t(`kind.${kind}`) })}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="dz-list__search"
          data-testid={`search-${kind}`}
        />
        {kind === 'entities' && (
          <Button type="primary" onClick={onNew} data-testid="new-entity">
            {t('entities.new')}
          </Button>
        )}
        {kind === 'roles' && (
          <Button type="primary" onClick={onNew} data-testid="new-role">
            {t('roles.new')}
          </Button>
        )}
        {kind === 'workflows' && (
          <Button type="primary" onClick={() => setNewWorkflow(true)} data-testid="new-workflow">
            {t('workflows.new')}
          </Button>
        )}
      </div>
      {newWorkflow && (
        <Suspense fallback={null}>
          <NewWorkflowDialog bundle={bundle} onClose={() => setNewWorkflow(false)} />
        </Suspense>
      )}
      {!editable && <Typography.Paragraph type="secondary">{t('list.laterDesigner')}</Typography.Paragraph>}
      <Table<Row>
        size="small"
        rowKey="key"
        dataSource={shown}
        pagination={shown.length > 20 ? { pageSize: 20 } : false}
        locale={{ emptyText: query ? t('list.noMatch', { query }) : t('list.empty') }}
        columns={[
          {
            title: t('list.name'),
            key: 'name',
            render: (_, row) => {
              const name = labelOf(row.label, locale, row.key);
              return editable && row.change !== 'removed' ? <Link href={href(`${editor}${row.key}`)}>{name}</Link> : name;
            },
          },
          { title: t('list.key'), dataIndex: 'key', render: (key: string) => <code className="mc-code">{key}</code> },
          ...(kind === 'entities'
            ? [{ title: t('list.fields'), key: 'fields', render: (_: unknown, row: Row) => row.fields?.length ?? '' }]
            : []),
          { title: t('list.state'), key: 'state', render: (_, row) => <DraftMarker change={row.change} /> },
        ]}
      />
    </div>
  );
}
