import type { WidgetProps } from '@rjsf/utils';
import { Select, Switch, Tag } from 'antd';
import { defineMessages, useLocale, useT } from '../../i18n/i18n';
import { type Locale } from '../../i18n/locale';
import { label } from '../../meta/meta';
import type { CellProps, FieldUi, FilterInputProps } from '../field-ui';
import { widgetField, widgetLocale } from '../field-ui';

// Choices: single select, multi select, boolean.

const messages = defineMessages({ yes: 'Yes', no: 'No' }, { yes: '是', no: '否' });

interface Option {
  key: string;
  label: { en: string; 'zh-CN': string };
  color?: string;
  order?: number;
  active?: boolean;
}

/** A select field's options in their display order. */
export function optionsOf(field: object): Option[] {
  const options = ((field as { options?: Option[] }).options ?? []).slice();
  return options.sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

function OptionTag({ option, locale }: { option: Option | undefined; locale: Locale; fallback: string }) {
  if (!option) return null;
  return (
    <Tag className="mc-option-tag" data-option={option.key}>
      <span className="mc-option-tag__dot" style={option.color ? { background: option.color } : undefined} aria-hidden="true" />
      {label(option.label, locale, option.key)}
    </Tag>
  );
}

function SelectCell({ field, value, locale }: CellProps) {
  const option = optionsOf(field).find((o) => o.key === value);
  return option ? (
    <OptionTag option={option} locale={locale} fallback={String(value)} />
  ) : (
    <span>{value === null || value === undefined ? '' : String(value)}</span>
  );
}

function MultiSelectCell({ field, value, locale }: CellProps) {
  const options = optionsOf(field);
  const keys = Array.isArray(value) ? (value as string[]) : [];
  return (
    <span className="mc-tags">
      {keys.map((key) => (
        <OptionTag
          key={key}
          option={options.find((o) => o.key === key) ?? { key, label: { en: key, 'zh-CN': key } }}
          locale={locale}
          fallback={key}
        />
      ))}
    </span>
  );
}

function BooleanCell({ value }: CellProps) {
  const t = useT(messages);
  if (value === null || value === undefined) return null;
  return <span>{value ? t('yes') : t('no')}</span>;
}

function selectOptions(field: object, locale: Locale, current?: unknown) {
  // Inactive options stay selectable only for the record that already holds them.
  const held = new Set(Array.isArray(current) ? current : [current]);
  return optionsOf(field)
    .filter((o) => o.active !== false || held.has(o.key))
    .map((o) => ({ value: o.key, label: <OptionTag option={o} locale={locale} fallback={o.key} />, title: label(o.label, locale, o.key) }));
}

function selectWidget(multiple: boolean) {
  return function SelectWidget(props: WidgetProps) {
    const field = widgetField(props);
    const invalid = (props.rawErrors?.length ?? 0) > 0;
    return (
      <Select
        id={props.id}
        mode={multiple ? 'multiple' : undefined}
        allowClear
        showSearch={{ optionFilterProp: 'title' }}
        value={props.value ?? (multiple ? [] : undefined)}
        options={selectOptions(field, widgetLocale(props), props.value)}
        disabled={props.disabled || props.readonly}
        aria-required={props.required}
        aria-invalid={invalid}
        status={invalid ? 'error' : undefined}
        style={{ width: '100%' }}
        onChange={(v: unknown) => props.onChange(v === undefined || (Array.isArray(v) && v.length === 0) ? undefined : v)}
        onBlur={() => props.onBlur(props.id, props.value)}
      />
    );
  };
}

function BooleanWidget(props: WidgetProps) {
  return (
    <Switch
      id={props.id}
      checked={props.value === true}
      disabled={props.disabled || props.readonly}
      onChange={(checked) => props.onChange(checked)}
    />
  );
}

function SelectFilterInput({ field, op, value, onChange, ariaLabel }: FilterInputProps) {
  const { locale } = useLocale();
  const multiple = op === 'in' || op === 'nin' || Array.isArray(value);
  return (
    <Select
      aria-label={ariaLabel}
      mode={multiple ? 'multiple' : undefined}
      value={value as string | string[] | undefined}
      options={selectOptions(field, locale)}
      style={{ minWidth: 160 }}
      onChange={(v: unknown) => onChange(v)}
    />
  );
}

function BooleanFilterInput({ value, onChange, ariaLabel }: FilterInputProps) {
  const t = useT(messages);
  return (
    <Select
      aria-label={ariaLabel}
      value={value as boolean | undefined}
      options={[
        { value: true, label: t('yes') },
        { value: false, label: t('no') },
      ]}
      style={{ minWidth: 100 }}
      onChange={(v: boolean) => onChange(v)}
    />
  );
}

/** The choice field types' UI, by type id. */
export const choiceTypes: Record<string, FieldUi> = {
  single_select: { Cell: SelectCell, Widget: selectWidget(false), FilterInput: SelectFilterInput },
  multi_select: { Cell: MultiSelectCell, Widget: selectWidget(true), FilterInput: SelectFilterInput },
  boolean: { Cell: BooleanCell, Widget: BooleanWidget, FilterInput: BooleanFilterInput },
};
