import type { BundleDiff, ItemChange, PropertyChange } from '@metacrm/metadata';
import { Table } from 'antd';
import { useT } from '@metacrm/ui-kit';
import { DraftMarker } from '../common/marker';
import { designerMessages } from '../designer.messages';
import { publishMessages } from './publish.messages';

const show = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 1));

/**
 * A structured diff: one row per item added, removed or changed; a changed item opens
 * into its properties with the value before and after, side by side.
 */
export function DiffView({ diff, testId = 'diff' }: { diff: BundleDiff; testId?: string }) {
  const t = useT(publishMessages);
  const tk = useT(designerMessages);
  return (
    <Table<ItemChange>
      size="small"
      data-testid={testId}
      rowKey={(c) => `${c.kind}/${c.key}`}
      dataSource={diff.changes}
      pagination={diff.changes.length > 50 ? { pageSize: 50 } : false}
      expandable={{
        rowExpandable: (c) => (c.properties?.length ?? 0) > 0,
        expandedRowRender: (c) => <PropertyTable properties={c.properties ?? []} />,
        defaultExpandAllRows: diff.changes.length <= 10,
      }}
      columns={[
        { title: t('diff.kind'), key: 'kind', render: (_, c) => tk(`kind.${c.kind}`) },
        { title: t('diff.item'), key: 'key', render: (_, c) => <code className="mc-code">{c.key}</code> },
        {
          title: t('diff.change'),
          key: 'change',
          render: (_, c) => (
            <>
              <DraftMarker change={c.change} />
              {c.properties ? ` ${t('diff.properties', { count: c.properties.length })}` : ''}
            </>
          ),
        },
      ]}
    />
  );
}

function PropertyTable({ properties }: { properties: PropertyChange[] }) {
  const t = useT(publishMessages);
  return (
    <Table<PropertyChange>
      size="small"
      rowKey="path"
      dataSource={properties}
      pagination={false}
      className="dz-diff__properties"
      columns={[
        { title: t('diff.path'), dataIndex: 'path', render: (path: string) => <code className="mc-code">{path}</code>, width: '30%' },
        {
          title: t('diff.before'),
          key: 'before',
          render: (_, p) => <pre className="dz-diff__value dz-diff__value--before">{show(p.before)}</pre>,
          width: '35%',
        },
        {
          title: t('diff.after'),
          key: 'after',
          render: (_, p) => <pre className="dz-diff__value dz-diff__value--after">{show(p.after)}</pre>,
          width: '35%',
        },
      ]}
    />
  );
}
