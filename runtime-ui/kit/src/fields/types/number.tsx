import type { WidgetProps } from '@rjsf/utils';
import { Input, InputNumber } from 'antd';
import type { Locale } from '../../i18n/locale';
import type { CellProps, FieldUi, FilterInputProps } from '../field-ui';
import { widgetField } from '../field-ui';

// Numbers: integer, decimal, currency, percent. Decimals stay strings from the API to
// the screen (Intl formats a numeric string exactly), never binary floating point.

type Settings = { scale?: number; currencyCode?: string };

function numberText(value: unknown, locale: Locale, settings: Settings, style: 'decimal' | 'currency' | 'percent'): string {
  if (value === null || value === undefined || value === '') return '';
  const scale = settings.scale ?? (style === 'decimal' && typeof value === 'number' ? 0 : 2);
  const format = new Intl.NumberFormat(locale, {
    ...(style === 'currency' ? { style: 'currency', currency: settings.currencyCode ?? 'CNY' } : {}),
    minimumFractionDigits: scale,
    maximumFractionDigits: scale,
  });
  const text = format.format(String(value) as Intl.StringNumericLiteral);
  return style === 'percent' ? `${text}%` : text;
}

/** Adds decimal strings exactly enough for a column total (scaled integers, no float drift). */
export function sumDecimals(values: unknown[]): string | undefined {
  const numbers = values.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
  if (numbers.length === 0) return undefined;
  const scale = Math.max(0, ...numbers.map((n) => (n.split('.')[1] ?? '').length));
  const total = numbers.reduce((sum, n) => {
    const [int = '0', frac = ''] = n.replace('-', '').split('.');
    const scaled = BigInt(int + frac.padEnd(scale, '0'));
    return sum + (n.startsWith('-') ? -scaled : scaled);
  }, 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

function numberCell(style: 'decimal' | 'currency' | 'percent') {
  return function NumberCell({ field, value, locale }: CellProps) {
    return <span className="mc-cell-number">{numberText(value, locale, field as Settings, style)}</span>;
  };
}

function IntegerWidget(props: WidgetProps) {
  const invalid = (props.rawErrors?.length ?? 0) > 0;
  return (
    <InputNumber
      id={props.id}
      value={typeof props.value === 'number' ? props.value : null}
      precision={0}
      style={{ width: '100%' }}
      disabled={props.disabled}
      readOnly={props.readonly}
      aria-required={props.required}
      aria-invalid={invalid}
      status={invalid ? 'error' : undefined}
      onChange={(v) => props.onChange(typeof v === 'number' ? v : undefined)}
      onBlur={() => props.onBlur(props.id, props.value)}
    />
  );
}

/** A decimal typed as text, so no digit is lost; the schema's pattern checks its scale. */
function decimalWidget(affix: (settings: Settings) => { prefix?: string; suffix?: string }) {
  return function DecimalWidget(props: WidgetProps) {
    const settings = widgetField(props) as Settings;
    const invalid = (props.rawErrors?.length ?? 0) > 0;
    return (
      <Input
        id={props.id}
        inputMode="decimal"
        value={props.value === undefined || props.value === null ? '' : String(props.value)}
        {...affix(settings)}
        disabled={props.disabled}
        readOnly={props.readonly}
        aria-required={props.required}
        aria-invalid={invalid}
        status={invalid ? 'error' : undefined}
        onChange={(e) => props.onChange(e.target.value.trim() === '' ? undefined : e.target.value.trim())}
        onBlur={() => props.onBlur(props.id, props.value)}
      />
    );
  };
}

function NumberFilterInput({ op, value, onChange, ariaLabel }: FilterInputProps) {
  if (op === 'between') {
    const [from, to] = Array.isArray(value) ? (value as string[]) : ['', ''];
    return (
      <span className="mc-filter-range">
        <Input
          aria-label={`${ariaLabel} ≥`}
          inputMode="decimal"
          value={from ?? ''}
          onChange={(e) => onChange([e.target.value, to ?? ''])}
        />
        <Input
          aria-label={`${ariaLabel} ≤`}
          inputMode="decimal"
          value={to ?? ''}
          onChange={(e) => onChange([from ?? '', e.target.value])}
        />
      </span>
    );
  }
  return (
    <Input
      aria-label={ariaLabel}
      inputMode="decimal"
      value={value === undefined || value === null ? '' : String(value)}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

const none = () => ({});
const number = (Widget: FieldUi['Widget'], style: 'decimal' | 'currency' | 'percent'): FieldUi => ({
  Cell: numberCell(style),
  Widget,
  FilterInput: NumberFilterInput,
  sum: sumDecimals,
});

/** The numeric field types' UI, by type id. */
export const numberTypes: Record<string, FieldUi> = {
  integer: number(IntegerWidget, 'decimal'),
  decimal: number(decimalWidget(none), 'decimal'),
  currency: number(
    decimalWidget((s) => ({ prefix: s.currencyCode ?? '' })),
    'currency',
  ),
  percent: number(
    decimalWidget(() => ({ suffix: '%' })),
    'percent',
  ),
};
