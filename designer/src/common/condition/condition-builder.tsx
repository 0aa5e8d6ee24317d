import { deepEqual, type Entity, type Problem } from '@metacrm/metadata';
import { Alert, Button, Input, Segmented } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { fieldTypes, logicOperations, useT } from '@metacrm/ui-kit';
import { checkCondition, fromLogic, ruleComplete, toLogic, type ConditionGroup, type ConditionNode } from './condition-model';
import { ConditionGroupEditor } from './condition-rows';
import { conditionMessages } from './condition.messages';

export interface ConditionBuilderProps {
  /** The json-logic condition, or undefined for none. */
  value: unknown;
  /** Called with a condition that passes the allowlist (or undefined: no condition). */
  onChange: (next: unknown) => void;
  /** The entity whose fields the rows compare (the draft's copy). */
  entity: Entity;
  /** A stable id, unique on the page: the builder's ids and test ids start with it. */
  id: string;
  /** The heading the builder is labelled by. */
  label: string;
}

/**
 * A visual builder for a json-logic condition over one entity's records: rows of
 * field / operator / value in and / or groups, or the JSON itself. What it hands out is
 * always json-logic that the metadata package's allowlist accepts (checkLogic, the
 * check publishing runs); rows not yet complete and JSON with problems stay local, with
 * the problems shown. An expression the builder cannot show stays JSON, with a note.
 */
export function ConditionBuilder({ value, onChange, entity, id, label }: ConditionBuilderProps) {
  const t = useT(conditionMessages);
  const shown = useMemo(() => fromLogic(value), [value]);
  const [mode, setMode] = useState<'builder' | 'json'>(shown ? 'builder' : 'json');
  const [model, setModel] = useState<ConditionGroup | undefined>(shown);
  const [text, setText] = useState(() => jsonText(value));
  const [jsonError, setJsonError] = useState<string>();
  const [problems, setProblems] = useState<Problem[]>([]);

  // The value changed from outside (undo, another selection): show it, unless it is what the local state already means.
  useEffect(() => {
    if (model && deepEqual(toLogic(complete(model)) ?? null, value ?? null)) return;
    setModel(shown);
    setText(jsonText(value));
    setJsonError(undefined);
    setProblems([]);
    if (!shown) setMode('json');
  }, [value]);

  const emit = (logic: unknown) => {
    const found = checkCondition(logic, entity, fieldTypes, logicOperations);
    setProblems(found);
    if (found.length === 0 && !deepEqual(logic ?? null, value ?? null)) onChange(logic);
  };
  const changeModel = (next: ConditionGroup) => {
    setModel(next);
    const logic = toLogic(complete(next));
    setText(jsonText(logic));
    emit(logic);
  };
  const changeText = (next: string) => {
    setText(next);
    if (next.trim() === '') {
      setJsonError(undefined);
      setModel(fromLogic(undefined));
      return emit(undefined);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(next);
    } catch (err) {
      return setJsonError((err as Error).message);
    }
    setJsonError(undefined);
    setModel(fromLogic(parsed));
    emit(parsed);
  };
  const incomplete = model !== undefined && countRules(model) !== countRules(complete(model));

  return (
    <div className="dz-cond" data-testid={`${id}-builder`}>
      <Segmented
        size="small"
        aria-label={`${label}: ${t('mode.label')}`}
        value={mode}
        onChange={(next) => setMode(next as 'builder' | 'json')}
        options={[
          { value: 'builder', label: t('mode.builder'), disabled: model === undefined },
          { value: 'json', label: t('mode.json') },
        ]}
        data-testid={`${id}-mode`}
      />
      {mode === 'builder' && model ? (
        <>
          {model.children.length === 0 && <p className="dz-pane__hint">{t('none')}</p>}
          <ConditionGroupEditor group={model} entity={entity} id={id} depth={0} onChange={changeModel} />
          {incomplete && <p className="dz-pane__hint">{t('incomplete')}</p>}
        </>
      ) : (
        <>
          {model === undefined && !jsonError && (
            <Alert
              type="info"
              showIcon
              message={t('json.cannotShow')}
              action={
                <Button size="small" onClick={() => changeText('')}>
                  {t('json.clear')}
                </Button>
              }
              data-testid={`${id}-json-note`}
            />
          )}
          <Input.TextArea
            className="dz-mono"
            aria-label={`${label}: ${t('json.label')}`}
            rows={6}
            value={text}
            onChange={(e) => changeText(e.target.value)}
            status={jsonError || problems.length > 0 ? 'error' : undefined}
            data-testid={`${id}-json`}
          />
          {jsonError && <Alert type="error" showIcon message={t('json.invalid', { message: jsonError })} />}
        </>
      )}
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
    </div>
  );
}

/** The model without rows that are not complete yet (and groups left empty by that). */
function complete(group: ConditionGroup): ConditionGroup {
  const children = group.children.flatMap((c): ConditionNode[] => {
    if (c.kind === 'rule') return ruleComplete(c) ? [c] : [];
    const inner = complete(c);
    return inner.children.length > 0 ? [inner] : [];
  });
  return { ...group, children };
}

function countRules(group: ConditionGroup): number {
  return group.children.reduce((n, c) => n + (c.kind === 'rule' ? 1 : countRules(c)), 0);
}

function jsonText(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}
