import type { Field } from '@metacrm/metadata';
import type { WidgetProps } from '@rjsf/utils';
import { Input, Typography } from 'antd';
import type { CellProps, FieldUi, FilterInputProps } from '../field-ui';

// Text-like types: text, long text, rich text, email, phone, url.

function asText(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Rich text is stored as HTML; lists and cards show its text only (never injected as HTML). */
export function plainText(html: string): string {
  return new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '';
}

function TextCell({ value }: CellProps) {
  return <span className="mc-cell-text">{asText(value)}</span>;
}

function LongTextCell({ value }: CellProps) {
  return (
    <Typography.Paragraph ellipsis={{ rows: 2 }} className="mc-cell-long">
      {asText(value)}
    </Typography.Paragraph>
  );
}

function RichTextCell({ value }: CellProps) {
  return (
    <Typography.Paragraph ellipsis={{ rows: 2 }} className="mc-cell-long">
      {plainText(asText(value))}
    </Typography.Paragraph>
  );
}

function LinkCell({ value, href }: { value: unknown; href: (v: string) => string }) {
  const text = asText(value);
  if (!text) return null;
  return (
    <a href={href(text)} target="_blank" rel="noreferrer noopener" onClick={(e) => e.stopPropagation()}>
      {text}
    </a>
  );
}

function textWidget(inputType: string, inputMode?: 'email' | 'tel' | 'url' | 'text') {
  return function TextWidget(props: WidgetProps) {
    return (
      <Input
        id={props.id}
        type={inputType}
        inputMode={inputMode}
        value={asText(props.value)}
        disabled={props.disabled}
        readOnly={props.readonly}
        aria-required={props.required}
        aria-invalid={(props.rawErrors?.length ?? 0) > 0}
        status={(props.rawErrors?.length ?? 0) > 0 ? 'error' : undefined}
        onChange={(e) => props.onChange(e.target.value === '' ? undefined : e.target.value)}
        onBlur={() => props.onBlur(props.id, props.value)}
        onFocus={() => props.onFocus(props.id, props.value)}
      />
    );
  };
}

function TextAreaWidget(props: WidgetProps) {
  return (
    <Input.TextArea
      id={props.id}
      value={asText(props.value)}
      rows={4}
      disabled={props.disabled}
      readOnly={props.readonly}
      aria-required={props.required}
      aria-invalid={(props.rawErrors?.length ?? 0) > 0}
      status={(props.rawErrors?.length ?? 0) > 0 ? 'error' : undefined}
      onChange={(e) => props.onChange(e.target.value === '' ? undefined : e.target.value)}
      onBlur={() => props.onBlur(props.id, props.value)}
    />
  );
}

/** A text operand; `in` / `nin` take a comma-separated list. */
export function TextFilterInput({ op, value, onChange, ariaLabel }: FilterInputProps) {
  const list = op === 'in' || op === 'nin';
  const shown = Array.isArray(value) ? value.join(', ') : asText(value);
  return (
    <Input
      aria-label={ariaLabel}
      value={shown}
      onChange={(e) =>
        onChange(
          list
            ? e.target.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : e.target.value,
        )
      }
    />
  );
}

const plain = (Widget: FieldUi['Widget'], Cell: FieldUi['Cell'] = TextCell): FieldUi => ({ Cell, Widget, FilterInput: TextFilterInput });

/** The text-like field types' UI, by type id. */
export const textTypes: Record<string, FieldUi> = {
  text: plain(textWidget('text')),
  long_text: plain(TextAreaWidget, LongTextCell),
  rich_text: plain(TextAreaWidget, RichTextCell),
  email: plain(textWidget('email', 'email'), ({ value }) => <LinkCell value={value} href={(v) => `mailto:${v}`} />),
  phone: plain(textWidget('tel', 'tel'), ({ value }) => <LinkCell value={value} href={(v) => `tel:${v.replace(/\s/g, '')}`} />),
  url: plain(textWidget('url', 'url'), ({ value }) => <LinkCell value={value} href={(v) => v} />),
};

export type { Field };
