import { fieldTraits, type Entity, type Field } from '@metacrm/metadata';
import { Button, Input, InputNumber, Select, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { fieldTypes, optionsOf, useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../labels';
import {
  CONDITION_CONTEXT_VARS,
  CONDITION_OPERATORS,
  UNARY_OPERATORS,
  type ConditionGroup,
  type ConditionNode,
  type ConditionOperator,
  type ConditionRule,
} from './condition-model';
import { conditionMessages } from './condition.messages';

interface RowsProps {
  group: ConditionGroup;
  entity: Entity;
  /** Prefix of ids and test ids: `visibleWhen`, `visibleWhen-1-0`. */
  id: string;
  depth: number;
  onChange: (next: ConditionGroup) => void;
  onRemove?: () => void;
}

/** A group: its and / or choice, its rows and nested groups, and buttons that add to it. */
export function ConditionGroupEditor({ group, entity, id, depth, onChange, onRemove }: RowsProps) {
  const t = useT(conditionMessages);
  const set = (i: number, node: ConditionNode | undefined) =>
    onChange({
      ...group,
      children: node === undefined ? group.children.filter((_, j) => j !== i) : group.children.map((c, j) => (j === i ? node : c)),
    });
  const firstField = entity.fields[0]?.key ?? '';
  return (
    <div
      className={`dz-cond__group dz-cond__group--${depth % 2 ? 'odd' : 'even'}`}
      role="group"
      aria-label={depth === 0 ? undefined : t('group')}
      data-testid={`${id}-group`}
    >
      {group.children.length > 1 && (
        <Space size="small" className="dz-cond__join">
          <span id={`${id}-join-label`}>{t('join.label')}</span>
          <Select
            size="small"
            aria-labelledby={`${id}-join-label`}
            value={group.join}
            onChange={(join) => onChange({ ...group, join })}
            options={[
              { value: 'and', label: t('join.and') },
              { value: 'or', label: t('join.or') },
            ]}
            data-testid={`${id}-join`}
            popupMatchSelectWidth={false}
          />
        </Space>
      )}
      {group.children.map((child, i) =>
        child.kind === 'group' ? (
          <ConditionGroupEditor
            key={i}
            group={child}
            entity={entity}
            id={`${id}-${i}`}
            depth={depth + 1}
            onChange={(next) => set(i, next)}
            onRemove={() => set(i, undefined)}
          />
        ) : (
          <RuleEditor
            key={i}
            rule={child}
            entity={entity}
            id={`${id}-${i}`}
            onChange={(next) => set(i, next)}
            onRemove={() => set(i, undefined)}
          />
        ),
      )}
      <Space size="small" wrap>
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() => onChange({ ...group, children: [...group.children, { kind: 'rule', field: firstField, op: '==' }] })}
          data-testid={`${id}-add-rule`}
        >
          {t('addRule')}
        </Button>
        {depth < 3 && (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() =>
              onChange({
                ...group,
                children: [
                  ...group.children,
                  { kind: 'group', join: group.join === 'and' ? 'or' : 'and', children: [{ kind: 'rule', field: firstField, op: '==' }] },
                ],
              })
            }
            data-testid={`${id}-add-group`}
          >
            {t('addGroup')}
          </Button>
        )}
        {onRemove && <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('remove')} />}
      </Space>
    </div>
  );
}

function RuleEditor({
  rule,
  entity,
  id,
  onChange,
  onRemove,
}: {
  rule: ConditionRule;
  entity: Entity;
  id: string;
  onChange: (next: ConditionRule) => void;
  onRemove: () => void;
}) {
  const t = useT(conditionMessages);
  const { locale } = useLocale();
  const field = entity.fields.find((f) => f.key === rule.field);
  const fieldOptions = [
    { label: t('fields'), options: entity.fields.map((f) => ({ value: f.key, label: labelOf(f.label, locale, f.key) })) },
    { label: t('context'), options: CONDITION_CONTEXT_VARS.map((v) => ({ value: v, label: v })) },
  ];
  const setOp = (op: ConditionOperator) => {
    const value = UNARY_OPERATORS.includes(op)
      ? undefined
      : op === 'in'
        ? rule.value === undefined
          ? []
          : [rule.value].flat()
        : Array.isArray(rule.value)
          ? rule.value[0]
          : rule.value;
    onChange({ ...rule, op, value });
  };
  return (
    <div className="dz-cond__rule" data-testid={`${id}-rule`}>
      <Select
        showSearch
        optionFilterProp="label"
        aria-label={t('field')}
        value={rule.field || undefined}
        onChange={(next: string) =>
          onChange({
            kind: 'rule',
            field: next,
            op: rule.op,
            ...(UNARY_OPERATORS.includes(rule.op) ? {} : rule.op === 'in' ? { value: [] } : {}),
          })
        }
        options={fieldOptions}
        className="dz-cond__field"
        data-testid={`${id}-field`}
        popupMatchSelectWidth={false}
      />
      <Select
        aria-label={t('operator')}
        value={rule.op}
        onChange={setOp}
        options={CONDITION_OPERATORS.map((op) => ({ value: op, label: t(`op.${op}`) }))}
        className="dz-cond__op"
        data-testid={`${id}-op`}
        popupMatchSelectWidth={false}
      />
      {!UNARY_OPERATORS.includes(rule.op) && (
        <ValueInput rule={rule} field={field} id={id} onChange={(value) => onChange({ ...rule, value })} />
      )}
      <Button
        size="small"
        type="text"
        danger
        icon={<DeleteOutlined />}
        onClick={onRemove}
        aria-label={t('remove')}
        data-testid={`${id}-remove`}
      />
    </div>
  );
}

/** The value as the field's values are: a number, one of its options, yes / no, or text (dates as YYYY-MM-DD). */
function ValueInput({
  rule,
  field,
  id,
  onChange,
}: {
  rule: ConditionRule;
  field: Field | undefined;
  id: string;
  onChange: (value: unknown) => void;
}) {
  const t = useT(conditionMessages);
  const { locale } = useLocale();
  const kind = field ? fieldTraits(field as never, fieldTypes)?.value : undefined;
  const options = field ? optionsOf(field).map((o) => ({ value: o.key, label: labelOf(o.label, locale, o.key) })) : [];
  const common = { 'aria-label': t('value'), className: 'dz-cond__value', 'data-testid': `${id}-value` };
  if (rule.op === 'in') {
    return (
      <Select
        {...common}
        mode={options.length > 0 ? 'multiple' : 'tags'}
        value={Array.isArray(rule.value) ? rule.value : []}
        onChange={(v: unknown[]) => onChange(v)}
        options={options}
        popupMatchSelectWidth={false}
      />
    );
  }
  if (options.length > 0)
    return (
      <Select {...common} value={rule.value as string | undefined} onChange={onChange} options={options} popupMatchSelectWidth={false} />
    );
  if (kind === 'boolean')
    return (
      <Select
        {...common}
        value={rule.value as boolean | undefined}
        onChange={onChange}
        options={[
          { value: true, label: t('true') },
          { value: false, label: t('false') },
        ]}
      />
    );
  if (kind === 'integer' || kind === 'decimal') {
    return (
      <InputNumber
        {...common}
        value={
          typeof rule.value === 'number' ? rule.value : typeof rule.value === 'string' && rule.value !== '' ? Number(rule.value) : null
        }
        onChange={(v) => onChange(v ?? undefined)}
      />
    );
  }
  return (
    <Input
      {...common}
      value={typeof rule.value === 'string' ? rule.value : rule.value === undefined || rule.value === null ? '' : String(rule.value)}
      placeholder={kind === 'date' ? 'YYYY-MM-DD' : undefined}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
