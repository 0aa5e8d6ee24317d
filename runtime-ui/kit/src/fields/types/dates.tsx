import type { WidgetProps } from '@rjsf/utils';
import { DatePicker, Select } from 'antd';
import dayjs from 'dayjs';
import { defineMessages, useT } from '../../i18n/i18n';
import type { CellProps, FieldUi, FilterInputProps } from '../field-ui';

// Dates (`YYYY-MM-DD`) and date-times (ISO 8601), shown with Intl in the user's locale.

const RELATIVE = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'this_quarter',
  'this_year',
  'last_7_days',
  'last_30_days',
  'next_7_days',
  'next_30_days',
] as const;

const messages = defineMessages(
  {
    today: 'Today',
    yesterday: 'Yesterday',
    this_week: 'This week',
    last_week: 'Last week',
    this_month: 'This month',
    last_month: 'Last month',
    this_quarter: 'This quarter',
    this_year: 'This year',
    last_7_days: 'Last 7 days',
    last_30_days: 'Last 30 days',
    next_7_days: 'Next 7 days',
    next_30_days: 'Next 30 days',
    from: 'from',
    to: 'to',
  },
  {
    today: '今天',
    yesterday: '昨天',
    this_week: '本周',
    last_week: '上周',
    this_month: '本月',
    last_month: '上月',
    this_quarter: '本季度',
    this_year: '今年',
    last_7_days: '最近 7 天',
    last_30_days: '最近 30 天',
    next_7_days: '未来 7 天',
    next_30_days: '未来 30 天',
    from: '从',
    to: '到',
  },
);

function dateCell(withTime: boolean) {
  return function DateCell({ value, locale }: CellProps) {
    if (typeof value !== 'string' || value === '') return null;
    // A date has no zone: read it as UTC so it never shifts a day.
    const date = withTime ? new Date(value) : new Date(`${value}T00:00:00Z`);
    const text = new Intl.DateTimeFormat(
      locale,
      withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium', timeZone: 'UTC' },
    ).format(date);
    return <time dateTime={value}>{text}</time>;
  };
}

function dateWidget(withTime: boolean) {
  return function DateWidget(props: WidgetProps) {
    const invalid = (props.rawErrors?.length ?? 0) > 0;
    const value = typeof props.value === 'string' && props.value !== '' ? dayjs(props.value) : null;
    return (
      <DatePicker
        id={props.id}
        showTime={withTime}
        value={value}
        style={{ width: '100%' }}
        disabled={props.disabled || props.readonly}
        aria-required={props.required}
        status={invalid ? 'error' : undefined}
        onChange={(d) => props.onChange(d ? (withTime ? d.toISOString() : d.format('YYYY-MM-DD')) : undefined)}
      />
    );
  };
}

function dateFilterInput(withTime: boolean) {
  return function DateFilterInput({ op, value, onChange, ariaLabel }: FilterInputProps) {
    const t = useT(messages);
    if (op === 'relative') {
      return (
        <Select
          aria-label={ariaLabel}
          value={value as string | undefined}
          style={{ minWidth: 150 }}
          options={RELATIVE.map((p) => ({ value: p, label: t(p) }))}
          onChange={(v: string) => onChange(v)}
        />
      );
    }
    const toText = (d: dayjs.Dayjs | null) => (d ? (withTime ? d.toISOString() : d.format('YYYY-MM-DD')) : '');
    if (op === 'between') {
      const [from, to] = Array.isArray(value) ? (value as string[]) : [];
      return (
        <DatePicker.RangePicker
          aria-label={ariaLabel}
          value={[from ? dayjs(from) : null, to ? dayjs(to) : null]}
          onChange={(range) => onChange([toText(range?.[0] ?? null), toText(range?.[1] ?? null)])}
        />
      );
    }
    return (
      <DatePicker
        aria-label={ariaLabel}
        value={typeof value === 'string' && value ? dayjs(value) : null}
        onChange={(d) => onChange(toText(d))}
      />
    );
  };
}

/** The date field types' UI, by type id. */
export const dateTypes: Record<string, FieldUi> = {
  date: { Cell: dateCell(false), Widget: dateWidget(false), FilterInput: dateFilterInput(false) },
  datetime: { Cell: dateCell(true), Widget: dateWidget(true), FilterInput: dateFilterInput(true) },
};
