import { AutoComplete } from 'antd';
import { useMemo } from 'react';
import { useT } from '@metacrm/ui-kit';
import type { Variable } from './variables';
import { workflowMessages } from './workflow.messages';

/**
 * A value of the run scope, typed or picked: the suggestions are grouped (trigger record,
 * before the change, earlier steps, variables, user, input form) and filter as one
 * types; a path the list does not hold (`steps.query.records.0.name`) may be typed whole.
 */
export function VariablePicker({
  id,
  value,
  variables,
  onChange,
  label,
  placeholder,
}: {
  id: string;
  value: string;
  variables: Variable[];
  onChange: (path: string) => void;
  label: string;
  placeholder?: string;
}) {
  const t = useT(workflowMessages);
  const options = useMemo(() => {
    const groups = new Map<string, Variable[]>();
    for (const v of variables) groups.set(v.group, [...(groups.get(v.group) ?? []), v]);
    return [...groups].map(([group, items]) => ({
      label: t(`variables.${group}` as 'variables.record'),
      options: items.map((v) => ({
        value: v.path,
        label: (
          <span className="dz-var">
            <span>{v.label}</span> <code className="dz-var__path">{v.path}</code>
          </span>
        ),
      })),
    }));
  }, [variables, t]);
  return (
    <AutoComplete
      id={id}
      value={value}
      options={options}
      onChange={(next: string) => onChange(next)}
      filterOption={(input, option) => {
        const path = (option as { value?: unknown } | undefined)?.value;
        return typeof path === 'string' && path.toLowerCase().includes(input.toLowerCase());
      }}
      aria-label={label}
      placeholder={placeholder ?? label}
      className="dz-var-picker"
      popupMatchSelectWidth={320}
    />
  );
}
