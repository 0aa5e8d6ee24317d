import type { Entity } from '@metacrm/metadata';
import { Alert, Input, Select, Space, Typography } from 'antd';
import { useMemo, useRef, useState } from 'react';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { fieldTypes, logicOperations, useLocale, useT } from '@metacrm/ui-kit';
import { checkCondition } from '../condition/condition-model';
import { labelOf } from '../labels';
import { EXPRESSION_CONTEXT_VARS, functionEntries, sampleRecord, tryExpression } from './expression-model';
import { expressionMessages } from './expression.messages';

const FUNCTIONS = functionEntries(logicOperations);

export interface ExpressionBuilderProps {
  /** The json-logic expression, or undefined. */
  value: unknown;
  /** Called with each expression that parses and passes the allowlist (undefined when the text is cleared). */
  onChange: (next: unknown) => void;
  /** The entity whose records the expression reads. */
  entity: Entity;
  /** Unique on the page: ids and test ids start with it. */
  id: string;
}

/**
 * An expression editor for formulas and rules: the json-logic text, a field picker and
 * the allowed functions (the metadata package's operation registry, with signatures)
 * that insert at the cursor, and the expression evaluated at once on a sample record
 * (editable) with the hardened evaluator, showing its value or its error, and the
 * problems publishing would report (the allowlist and the entity's fields).
 */
export function ExpressionBuilder({ value, onChange, entity, id }: ExpressionBuilderProps) {
  const t = useT(expressionMessages);
  const { locale } = useLocale();
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [sampleText, setSampleText] = useState(() => JSON.stringify(sampleRecord(entity, fieldTypes), null, 2));
  const box = useRef<TextAreaRef>(null);
  const parsed = useMemo(() => parse(text), [text]);
  const sample = useMemo(() => parse(sampleText), [sampleText]);
  const problems = parsed.ok && parsed.value !== undefined ? checkCondition(parsed.value, entity, fieldTypes, logicOperations) : [];
  const trial =
    parsed.ok && parsed.value !== undefined && sample.ok && problems.length === 0
      ? tryExpression(parsed.value, (sample.value ?? {}) as Record<string, unknown>, logicOperations)
      : undefined;

  const change = (next: string) => {
    setText(next);
    // Only what the allowlist accepts leaves the builder; the text keeps the rest, with its problems.
    const result = parse(next);
    if (result.ok && (result.value === undefined || checkCondition(result.value, entity, fieldTypes, logicOperations).length === 0))
      onChange(result.value);
  };
  /** Inserts at the cursor (or in place of the selection), so an admin builds an expression piece by piece. */
  const insert = (snippet: string) => {
    const area = box.current?.resizableTextArea?.textArea;
    const start = area?.selectionStart ?? text.length;
    const end = area?.selectionEnd ?? text.length;
    change(text.slice(0, start) + snippet + text.slice(end));
    requestAnimationFrame(() => {
      area?.focus();
      area?.setSelectionRange(start + snippet.length, start + snippet.length);
    });
  };
  const fieldOptions = [
    { label: t('fields'), options: entity.fields.map((f) => ({ value: f.key, label: `${labelOf(f.label, locale, f.key)} (${f.key})` })) },
    { label: t('context'), options: EXPRESSION_CONTEXT_VARS.map((v) => ({ value: v, label: v })) },
  ];
  return (
    <div className="dz-expr" data-testid={`${id}-expression`}>
      <Space wrap size="small">
        <Select
          showSearch
          optionFilterProp="label"
          placeholder={t('insertField')}
          aria-label={t('insertField')}
          value={null}
          options={fieldOptions}
          onChange={(key: string) => insert(JSON.stringify({ var: key }))}
          popupMatchSelectWidth={false}
          data-testid={`${id}-insert-field`}
        />
        <Select
          showSearch
          optionFilterProp="label"
          placeholder={t('insertFunction')}
          aria-label={t('insertFunction')}
          value={null}
          options={FUNCTIONS.map((f) => ({ value: f.name, label: f.signature }))}
          onChange={(name: string) => insert(FUNCTIONS.find((f) => f.name === name)!.template)}
          popupMatchSelectWidth={false}
          data-testid={`${id}-insert-function`}
        />
      </Space>
      <label className="dz-expr__label" htmlFor={`${id}-text`}>
        {t('expression')}
      </label>
      <Input.TextArea
        ref={box}
        id={`${id}-text`}
        className="dz-mono"
        rows={5}
        value={text}
        onChange={(e) => change(e.target.value)}
        status={parsed.ok && problems.length === 0 ? undefined : 'error'}
        data-testid={`${id}-text`}
      />
      {!parsed.ok && <Alert type="error" showIcon message={t('invalid', { message: parsed.error })} />}
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          message={t('problems')}
          description={
            <ul className="dz-cond__problems">
              {problems.map((p, i) => (
                <li key={i}>
                  <code>{p.code}</code> <code>{p.pointer || '/'}</code> {p.message}
                </li>
              ))}
            </ul>
          }
          data-testid={`${id}-problems`}
        />
      )}
      <label className="dz-expr__label" htmlFor={`${id}-sample`}>
        {t('sample')}
      </label>
      <Input.TextArea
        id={`${id}-sample`}
        className="dz-mono"
        rows={4}
        value={sampleText}
        onChange={(e) => setSampleText(e.target.value)}
        status={sample.ok ? undefined : 'error'}
        data-testid={`${id}-sample`}
      />
      <div className="dz-expr__result" aria-live="polite" data-testid={`${id}-result`}>
        <Typography.Text strong>{t('result')}: </Typography.Text>
        {parsed.ok && parsed.value === undefined ? (
          <Typography.Text type="secondary">{t('empty')}</Typography.Text>
        ) : trial?.ok ? (
          <code className="mc-code" data-state="value">
            {JSON.stringify(trial.value)}
          </code>
        ) : trial ? (
          <Typography.Text type="danger" data-state="error">
            {t('error')}: {trial.error}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        )}
      </div>
    </div>
  );
}

function parse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
