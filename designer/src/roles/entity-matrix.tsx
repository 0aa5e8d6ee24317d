import type { Entity, Role } from '@metacrm/metadata';
import { Button, Checkbox, Select, Table } from 'antd';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { OPERATIONS, SCOPES, toggleOperation, withGrant, type EntityGrant, type Scope } from './role-model';
import { rolesMessages } from './roles.messages';

export interface EntityMatrixProps {
  role: Role;
  entities: readonly Entity[];
  selected: string | undefined;
  onChange: (role: Role, group?: string) => void;
  onSelect: (entity: string) => void;
}

/**
 * The entities × operations matrix: one row per draft entity, a checkbox per operation
 * (each named for screen readers, "Deal: Update"), the record scope, and the way into
 * the entity's field grid and record filter.
 */
export function EntityMatrix({ role, entities, selected, onChange, onSelect }: EntityMatrixProps) {
  const t = useT(rolesMessages);
  const { locale } = useLocale();
  const grantOf = (entity: string): EntityGrant => role.entities?.[entity] ?? {};
  const set = (entity: string, grant: EntityGrant) => onChange(withGrant(role, entity, grant));
  return (
    <Table<Entity>
      size="small"
      rowKey="key"
      dataSource={[...entities]}
      pagination={false}
      scroll={{ x: 'max-content' }}
      data-testid="role-matrix"
      rowClassName={(e) => (e.key === selected ? 'dz-row--selected' : '')}
      columns={[
        {
          title: t('matrix.entity'),
          key: 'entity',
          fixed: 'left',
          render: (_, e) => <span data-testid={`matrix-row-${e.key}`}>{labelOf(e.label, locale, e.key)}</span>,
        },
        ...OPERATIONS.map((op) => ({
          title: t(`op.${op}`),
          key: op,
          align: 'center' as const,
          render: (_: unknown, e: Entity) => {
            const name = labelOf(e.label, locale, e.key);
            return (
              <Checkbox
                checked={grantOf(e.key)[op] === true}
                onChange={(ev) => set(e.key, toggleOperation(grantOf(e.key), op, ev.target.checked))}
                aria-label={t('matrix.cell', { entity: name, op: t(`op.${op}`) })}
                data-testid={`cell-${e.key}-${op}`}
              />
            );
          },
        })),
        {
          title: t('matrix.scope'),
          key: 'scope',
          render: (_, e) => {
            const grant = grantOf(e.key);
            return (
              <Select<Scope>
                value={grant.scope ?? 'own'}
                disabled={!grant.read}
                onChange={(scope) => {
                  set(e.key, { ...grant, scope });
                  if (scope === 'filter') onSelect(e.key);
                }}
                options={SCOPES.map((s) => ({ value: s, label: t(`scope.${s}`) }))}
                style={{ minWidth: 200 }}
                aria-label={t('matrix.cell', { entity: labelOf(e.label, locale, e.key), op: t('matrix.scope') })}
                data-testid={`scope-${e.key}`}
              />
            );
          },
        },
        {
          title: t('matrix.fields'),
          key: 'fields',
          render: (_, e) => (
            <Button
              size="small"
              type={e.key === selected ? 'primary' : 'default'}
              onClick={() => onSelect(e.key)}
              aria-pressed={e.key === selected}
              data-testid={`fields-${e.key}`}
            >
              {t('matrix.edit', { entity: labelOf(e.label, locale, e.key) })}
            </Button>
          ),
        },
      ]}
    />
  );
}
