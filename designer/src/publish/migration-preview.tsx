import { List, Tag, Typography } from 'antd';
import { useT } from '@metacrm/ui-kit';
import type { PlannedMigration } from '../api/meta-api';
import { publishMessages } from './publish.messages';

/** The data migrations a publish implies, each with what it does to the stored records. */
export function MigrationPreview({ migrations }: { migrations: PlannedMigration[] }) {
  const t = useT(publishMessages);
  if (migrations.length === 0) return <Typography.Paragraph type="secondary">{t('publish.noMigrations')}</Typography.Paragraph>;
  return (
    <List
      size="small"
      bordered
      data-testid="migrations"
      dataSource={migrations}
      renderItem={(m) => (
        <List.Item data-testid={`migration-${m.type}`}>
          <div className="dz-migration">
            <div>
              <code className="mc-code">{m.type}</code>{' '}
              <strong>
                {m.entity}
                {m.field ? `.${m.field}` : ''}
              </strong>{' '}
              {m.preview.records > 0 && <Tag>{t('mig.records', { count: m.preview.records })}</Tag>}
              {m.preview.blocking && <Tag className="dz-marker dz-marker--removed">{t('mig.blocking')}</Tag>}
              {m.preview.keptAside && m.preview.records > 0 && <Typography.Text type="secondary">{t('mig.keptAside')}</Typography.Text>}
            </div>
            {m.preview.unconvertible && m.preview.unconvertible.count > 0 && (
              <div data-testid="unconvertible">
                <Typography.Text type="danger">{t('mig.unconvertible', { count: m.preview.unconvertible.count })}</Typography.Text>
                <ul className="dz-migration__sample">
                  {m.preview.unconvertible.sample.slice(0, 10).map((s) => (
                    <li key={s.id}>{t('mig.sample', { id: s.id, value: JSON.stringify(s.value), reason: s.reason })}</li>
                  ))}
                </ul>
              </div>
            )}
            {m.preview.duplicates && m.preview.duplicates.length > 0 && (
              <Typography.Text type="danger">{t('mig.duplicates')}</Typography.Text>
            )}
          </div>
        </List.Item>
      )}
    />
  );
}
