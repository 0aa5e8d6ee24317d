import type { Entity } from '@metacrm/metadata';
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, List } from 'antd';
import { useState, type ReactNode } from 'react';
import { api, Link, useLocale, useT, type ApiRecord, entityTitle, label, type RuntimeMeta } from '@metacrm/ui-kit';
import { recordMessages } from './record.messages';
import { type UserEntity } from '@metacrm/metadata';

interface Relation {
  child: UserEntity;
  via: string;
  title: string;
}

/** Every lookup elsewhere that points at this entity is a related list here. */
function relationsOf(meta: RuntimeMeta, entity: Entity, locale: 'en' | 'zh-CN'): Relation[] {
  return meta.entities
    .filter((child) => child.rights.read)
    .flatMap((child) =>
      child.fields
        .filter((f) => (f as { target?: string }).target === entity.key)
        .map((f) => ({
          child,
          via: f.key,
          title: label((f as { relatedListLabel?: { en: string; 'zh-CN': string } }).relatedListLabel, locale, entityTitle(child, locale)),
        })),
    );
}

/** Opens the create form of a related record; the record drawer passes itself (no import back to it). */
export type CreateRelated = (child: UserEntity, initial: Record<string, unknown>, done: (created: boolean) => void) => ReactNode;

/** The records that refer to this one, by relation, with create-related (the lookup filled in). */
export function RelatedLists({ meta, entity, id, create }: { meta: RuntimeMeta; entity: Entity; id: string; create: CreateRelated }) {
  const t = useT(recordMessages);
  const { locale } = useLocale();
  const relations = relationsOf(meta, entity, locale);
  if (relations.length === 0) return <Empty description={t('noRelated')} />;
  return (
    <div className="mc-related">
      {relations.map((r) => (
        <RelatedList key={`${r.child.key}.${r.via}`} relation={r} id={id} create={create} />
      ))}
    </div>
  );
}

function RelatedList({ relation, id, create }: { relation: Relation; id: string; create: CreateRelated }) {
  const t = useT(recordMessages);
  const [creating, setCreating] = useState(false);
  const { child, via } = relation;
  const records = useQuery({
    queryKey: ['records', child.key, 'related', via, id],
    queryFn: async ({ signal }) =>
      await api.get<{ records: ApiRecord[] }>(
        `/api/records/${encodeURIComponent(relationParent(child, via))}/${encodeURIComponent(id)}/related/${encodeURIComponent(child.key)}/${encodeURIComponent(via)}?limit=10`,
        { signal },
      ),
  });
  return (
    <Card
      size="small"
      title={relation.title}
      extra={<Button size="small" icon={<PlusOutlined />} aria-label={`${relation.title}: +`} onClick={() => setCreating(true)} />}
    >
      <List
        size="small"
        loading={records.isPending}
        dataSource={records.data?.records ?? []}
        locale={{ emptyText: t('noRelated') }}
        renderItem={(r) => (
          <List.Item>
            <Link href={`/e/${child.key}/${r.id}`}>{String(r[child.displayField] ?? r.id)}</Link>
          </List.Item>
        )}
      />
      {creating &&
        create(child, { [via]: id }, (created) => {
          setCreating(false);
          if (created) void records.refetch();
        })}
    </Card>
  );
}

function relationParent(child: UserEntity, via: string): string {
  return (child.fields.find((f) => f.key === via) as { target?: string } | undefined)?.target ?? '';
}
