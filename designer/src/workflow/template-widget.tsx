import type { WidgetProps } from '@rjsf/utils';
import { Input, Select } from 'antd';
import { useT } from '@metacrm/ui-kit';
import type { Variable } from './variables';
import { workflowMessages } from './workflow.messages';

/** What the settings form passes its widgets: the run scope at the step. */
export interface ConfigFormContext {
  variables: Variable[];
}

/**
 * A text setting that is a template (`Hello {{record.name}}`): the text, and a picker
 * that appends a placeholder for a value of the run scope.
 */
export function TemplateWidget({ id, value, onChange, options, registry, required, readonly, disabled, label }: WidgetProps) {
  const t = useT(workflowMessages);
  const variables = (registry.formContext as ConfigFormContext | undefined)?.variables ?? [];
  const text = typeof value === 'string' ? value : '';
  const set = (next: string) => onChange(next === '' ? undefined : next);
  const props = {
    id,
    value: text,
    required,
    readOnly: readonly,
    disabled,
    onChange: (e: { target: { value: string } }) => set(e.target.value),
    'aria-label': label || id,
  };
  return (
    <div className="dz-template">
      {options.long ? <Input.TextArea rows={4} {...props} /> : <Input {...props} />}
      <Select
        size="small"
        className="dz-template__insert"
        placeholder={t('variables.insert')}
        aria-label={`${t('variables.insert')}: ${label || id}`}
        value={null}
        showSearch
        onChange={(path: string | null) => path && set(`${text}{{${path}}}`)}
        options={variables.map((v) => ({ value: v.path, label: `${v.label} · ${v.path}` }))}
        popupMatchSelectWidth={320}
        data-testid={`${id}-insert`}
      />
    </div>
  );
}
