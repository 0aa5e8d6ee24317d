import type { Entity, Field } from '@metacrm/metadata';
import { Checkbox, InputNumber, Space, Table, Typography } from 'antd';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { withFieldGrant, type EntityGrant, type FieldGrant } from './role-model';
import { rolesMessages } from './roles.messages';

const DEFAULT_MASK = { keepStart: 3, keepEnd: 4 };

/**
 * Per field of one entity: read, write and a mask (keep the first and last characters,
 * e.g. 138****1234). Write needs read; a masked field is written only where the role
 * says so. Numbers typed into the mask group as one undo step per field.
 */
export function FieldGrid({
  entity,
  grant,
  onChange,
}: {
  entity: Entity;
  grant: EntityGrant;
  onChange: (grant: EntityGrant, group?: string) => void;
}) {
  const t = useT(rolesMessages);
  const { locale } = useLocale();
  if (!grant.read) return <Typography.Paragraph type="secondary">{t('fields.noRead')}</Typography.Paragraph>;
  const access = (key: string): FieldGrant => grant.fields?.[key] ?? {};
  const set = (key: string, value: FieldGrant, group?: string) => onChange(withFieldGrant(grant, key, value), group);
  const cell = (f: Field, what: string) => t('fields.cell', { field: labelOf(f.label, locale, f.key), what });
  return (
    <Table<Field>
      size="small"
      rowKey="key"
      dataSource={entity.fields}
      pagination={false}
      scroll={{ x: 'max-content' }}
      data-testid="field-grid"
      columns={[
        {
          title: t('fields.field'),
          key: 'field',
          render: (_, f) => (
            <span>
              {labelOf(f.label, locale, f.key)} <code className="mc-code">{f.key}</code>
            </span>
          ),
        },
        {
          title: t('fields.read'),
          key: 'read',
          align: 'center',
          render: (_, f) => (
            <Checkbox
              checked={access(f.key).read !== false}
              onChange={(e) => set(f.key, { ...access(f.key), read: e.target.checked })}
              aria-label={cell(f, t('fields.read'))}
              data-testid={`field-read-${f.key}`}
            />
          ),
        },
        {
          title: t('fields.write'),
          key: 'write',
          align: 'center',
          render: (_, f) => {
            const a = access(f.key);
            const write = a.read !== false && (a.mask ? a.write === true : a.write !== false);
            return (
              <Checkbox
                checked={write}
                disabled={a.read === false}
                onChange={(e) => set(f.key, { ...a, write: e.target.checked })}
                aria-label={cell(f, t('fields.write'))}
                data-testid={`field-write-${f.key}`}
              />
            );
          },
        },
        {
          title: t('fields.mask'),
          key: 'mask',
          render: (_, f) => {
            const a = access(f.key);
            return (
              <Space wrap>
                <Checkbox
                  checked={!!a.mask}
                  disabled={a.read === false}
                  onChange={(e) =>
                    set(f.key, { ...a, mask: e.target.checked ? DEFAULT_MASK : undefined, write: e.target.checked ? false : a.write })
                  }
                  aria-label={cell(f, t('fields.mask'))}
                  data-testid={`field-mask-${f.key}`}
                />
                {a.mask && (
                  <>
                    <InputNumber
                      size="small"
                      min={0}
                      max={20}
                      value={a.mask.keepStart ?? 0}
                      onChange={(n) => set(f.key, { ...a, mask: { ...a.mask, keepStart: Number(n ?? 0) } }, `mask-start-${f.key}`)}
                      aria-label={cell(f, t('fields.keepStart'))}
                      addonBefore={t('fields.keepStart')}
                    />
                    <InputNumber
                      size="small"
                      min={0}
                      max={20}
                      value={a.mask.keepEnd ?? 0}
                      onChange={(n) => set(f.key, { ...a, mask: { ...a.mask, keepEnd: Number(n ?? 0) } }, `mask-end-${f.key}`)}
                      aria-label={cell(f, t('fields.keepEnd'))}
                      addonBefore={t('fields.keepEnd')}
                    />
                  </>
                )}
              </Space>
            );
          },
        },
      ]}
    />
  );
}
