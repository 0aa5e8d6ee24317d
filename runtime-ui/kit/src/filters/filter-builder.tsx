import { fieldTraits, type Entity } from '@metacrm/metadata';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Select, Space } from 'antd';
import { useState } from 'react';
import { fieldUi } from '../fields/field-ui';
import { useLocale, useT } from '../i18n/i18n';
import { label } from '../meta/meta';
import { fieldTypes } from '../meta/registries';
import { emptyGroup, NO_OPERAND, type FilterGroup, type FilterNode } from './filter-model';
import { filterMessages } from './filter.messages';

type OpKey = `op.${string}`;

export interface FilterBuilderProps {
  entity: Entity;
  value: FilterGroup;
  onApply: (group: FilterGroup) => void;
}

/**
 * Builds a filter in the filter language, as sentences: field, operator (those the
 * field type allows), operand (the field type's own input), in and / or groups.
 */
export function FilterBuilder({ entity, value, onApply }: FilterBuilderProps) {
  const t = useT(filterMessages);
  const [draft, setDraft] = useState<FilterGroup>(value);
  return (
    <div className="mc-filter-builder" data-testid="filter-builder">
      <GroupEditor entity={entity} group={draft} onChange={setDraft} depth={0} />
      <Space className="mc-filter-builder__actions">
        <Button type="primary" onClick={() => onApply(draft)} data-testid="filter-apply">
          {t('apply')}
        </Button>
        <Button
          onClick={() => {
            setDraft(emptyGroup());
            onApply(emptyGroup());
          }}
        >
          {t('clear')}
        </Button>
      </Space>
    </div>
  );
}

function GroupEditor({
  entity,
  group,
  onChange,
  depth,
}: {
  entity: Entity;
  group: FilterGroup;
  onChange: (g: FilterGroup) => void;
  depth: number;
}) {
  const t = useT(filterMessages);
  const setChild = (i: number, node: FilterNode | undefined) =>
    onChange({
      ...group,
      children: node === undefined ? group.children.filter((_, j) => j !== i) : group.children.map((c, j) => (j === i ? node : c)),
    });
  return (
    <fieldset className={`mc-filter-group mc-filter-group--${depth}`}>
      <legend className="mc-visually-hidden">{t('filters')}</legend>
      <Select
        aria-label={t('filters')}
        value={group.combinator}
        onChange={(combinator: 'and' | 'or') => onChange({ ...group, combinator })}
        options={[
          { value: 'and', label: t('and') },
          { value: 'or', label: t('or') },
        ]}
        style={{ minWidth: 180 }}
        data-testid="filter-combinator"
      />
      {group.children.map((node, i) =>
        node.kind === 'group' ? (
          <div key={i} className="mc-filter-row">
            <GroupEditor entity={entity} group={node} depth={depth + 1} onChange={(g) => setChild(i, g)} />
            <Button aria-label={t('remove')} icon={<DeleteOutlined />} onClick={() => setChild(i, undefined)} />
          </div>
        ) : (
          <ConditionEditor key={i} entity={entity} node={node} index={i} onChange={(n) => setChild(i, n)} />
        ),
      )}
      <Space wrap>
        <Button
          icon={<PlusOutlined />}
          onClick={() => onChange({ ...group, children: [...group.children, { kind: 'condition', field: '', op: '' }] })}
          data-testid="filter-add"
        >
          {t('addCondition')}
        </Button>
        {depth === 0 && (
          <Button
            icon={<PlusOutlined />}
            onClick={() => onChange({ ...group, children: [...group.children, { ...emptyGroup(), combinator: 'or' }] })}
          >
            {t('addGroup')}
          </Button>
        )}
      </Space>
    </fieldset>
  );
}

function ConditionEditor({
  entity,
  node,
  index,
  onChange,
}: {
  entity: Entity;
  node: Extract<FilterNode, { kind: 'condition' }>;
  index: number;
  onChange: (n: FilterNode | undefined) => void;
}) {
  const t = useT(filterMessages);
  const { locale } = useLocale();
  const field = entity.fields.find((f) => f.key === node.field);
  const operators = field ? (fieldTraits(field as never, fieldTypes)?.operators ?? []) : [];
  const { FilterInput } = field ? fieldUi(field) : { FilterInput: null };
  return (
    <div className="mc-filter-row" data-testid={`filter-row-${index}`}>
      <Select
        aria-label={t('field')}
        showSearch={{ optionFilterProp: 'label' }}
        value={node.field || undefined}
        placeholder={t('field')}
        style={{ minWidth: 160 }}
        options={entity.fields
          .filter((f) => (fieldTraits(f as never, fieldTypes)?.operators.length ?? 0) > 0)
          .map((f) => ({ value: f.key, label: label(f.label, locale, f.key) }))}
        onChange={(key: string) =>
          onChange({
            kind: 'condition',
            field: key,
            op: fieldTraits(entity.fields.find((f) => f.key === key) as never, fieldTypes)?.operators[0] ?? 'eq',
          })
        }
        data-testid="filter-field"
      />
      <Select
        aria-label={t('operator')}
        value={node.op || undefined}
        placeholder={t('operator')}
        style={{ minWidth: 130 }}
        options={operators.map((op) => ({ value: op, label: t(`op.${op}` as OpKey as never) }))}
        onChange={(op: string) => onChange({ ...node, op, value: undefined })}
        data-testid="filter-op"
      />
      {field && FilterInput && !NO_OPERAND.has(node.op) && (
        <FilterInput
          field={field}
          op={node.op}
          value={node.value}
          onChange={(value) => onChange({ ...node, value })}
          ariaLabel={t('value')}
        />
      )}
      <Button aria-label={t('remove')} icon={<DeleteOutlined />} onClick={() => onChange(undefined)} />
    </div>
  );
}
