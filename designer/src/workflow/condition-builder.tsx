import { Button, Input, Radio, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { useT } from '@metacrm/ui-kit';
import { COMPARISON_OPS, readCondition, typedValue, writeCondition, type BuiltCondition, type Comparison } from './condition-logic';
import { VariablePicker } from './variable-picker';
import type { Variable } from './variables';
import { workflowMessages } from './workflow.messages';

/**
 * A json-logic condition built from comparisons ("budget is greater than 100000"), joined
 * by all or any, over the run scope's values; or edited as JSON, which a condition the
 * builder cannot show always is. Produces only operations the hardened evaluator allows.
 */
export function ConditionBuilder({
  id,
  value,
  variables,
  onChange,
}: {
  id: string;
  value: unknown;
  variables: Variable[];
  onChange: (logic: unknown, group: string) => void;
}) {
  const t = useT(workflowMessages);
  const built = readCondition(value);
  const [asJson, setAsJson] = useState(built === undefined);
  // Rows being typed keep their text (a half-typed number) until the logic changes from outside.
  const [draft, setDraft] = useState<BuiltCondition>(built ?? { join: 'and', rows: [] });
  useEffect(() => {
    const next = readCondition(value);
    if (next && JSON.stringify(writeCondition(next)) !== JSON.stringify(writeCondition(draft))) setDraft(next);
    if (!next) setAsJson(true);
    // Only a change of the value from outside (undo, another node) resets the rows.
  }, [value]);

  const update = (next: BuiltCondition, group: string) => {
    setDraft(next);
    onChange(writeCondition(next), `${id}:${group}`);
  };
  const rows = draft.rows.length === 0 ? [{ path: '', op: '==' as const, value: '' }] : draft.rows;
  const setRow = (i: number, row: Comparison, group: string) =>
    update({ ...draft, rows: rows.map((r, j) => (j === i ? row : r)) }, `${group}:${i}`);

  if (asJson) {
    return (
      <div className="dz-condition" data-testid={`${id}-json`}>
        {built === undefined && <Typography.Text type="secondary">{t('condition.complex')}</Typography.Text>}
        <JsonLogicText id={id} value={value} onChange={(logic) => onChange(logic, `${id}:json`)} label={t('condition.json')} />
        {built !== undefined && (
          <Button size="small" type="link" onClick={() => setAsJson(false)}>
            {t('condition.visual')}
          </Button>
        )}
      </div>
    );
  }
  return (
    <div className="dz-condition" data-testid={id}>
      {rows.length > 1 && (
        <Radio.Group
          value={draft.join}
          onChange={(e) => update({ ...draft, join: e.target.value as 'and' | 'or' }, 'join')}
          size="small"
          aria-label={t('condition.all')}
        >
          <Radio.Button value="and">{t('condition.all')}</Radio.Button>
          <Radio.Button value="or">{t('condition.any')}</Radio.Button>
        </Radio.Group>
      )}
      {rows.map((row, i) => {
        const variable = variables.find((v) => v.path === row.path);
        const unary = row.op === 'empty' || row.op === 'filled';
        return (
          <div className="dz-condition__row" key={i} data-testid={`${id}-row-${i}`}>
            <VariablePicker
              id={`${id}-var-${i}`}
              label={t('condition.variable')}
              value={row.path}
              variables={variables}
              onChange={(path) => setRow(i, { ...row, path }, 'path')}
            />
            <Select
              aria-label={t('condition.operator')}
              showSearch
              optionFilterProp="label"
              value={row.op}
              onChange={(op) => setRow(i, { ...row, op }, 'op')}
              options={COMPARISON_OPS.map((op) => ({ value: op, label: t(`op.${op}`) }))}
              className="dz-condition__op"
              data-testid={`${id}-op-${i}`}
            />
            {!unary && (
              <Input
                aria-label={t('condition.value')}
                placeholder={t('condition.value')}
                value={row.value === undefined || row.value === null ? '' : String(row.value)}
                onChange={(e) =>
                  setRow(i, { ...row, value: typedValue(e.target.value, variable?.numeric === true, variable?.boolean === true) }, 'value')
                }
                className="dz-condition__value"
                data-testid={`${id}-value-${i}`}
              />
            )}
            <Button
              type="text"
              icon={<DeleteOutlined />}
              aria-label={t('condition.remove', { n: i + 1 })}
              onClick={() => update({ ...draft, rows: rows.filter((_, j) => j !== i) }, 'remove')}
            />
          </div>
        );
      })}
      <Space>
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() => update({ ...draft, rows: [...rows, { path: '', op: '==', value: '' }] }, 'add')}
        >
          {t('condition.add')}
        </Button>
        <Button size="small" type="link" onClick={() => setAsJson(true)}>
          {t('condition.json')}
        </Button>
      </Space>
    </div>
  );
}

/** json-logic as JSON text; text that does not parse stays in the box, marked, and changes nothing. */
function JsonLogicText({ id, value, onChange, label }: { id: string; value: unknown; onChange: (logic: unknown) => void; label: string }) {
  const t = useT(workflowMessages);
  const [text, setText] = useState(() => (value === undefined || value === null ? '' : JSON.stringify(value, null, 2)));
  const [bad, setBad] = useState(false);
  return (
    <>
      <Input.TextArea
        id={`${id}-text`}
        aria-label={label}
        className="dz-mono"
        rows={4}
        value={text}
        status={bad ? 'error' : undefined}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(e.target.value.trim() === '' ? null : JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <Typography.Text type="danger">{t('condition.badJson')}</Typography.Text>}
    </>
  );
}
