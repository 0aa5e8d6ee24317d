import type { FieldProps } from '@rjsf/utils';
import { Form, Input } from 'antd';
import { useEffect, useState } from 'react';

/**
 * An RJSF field edited as JSON text: json-logic expressions, filters and guided stages,
 * whose recursive shapes make poor nested forms. Text that does not parse stays in the
 * box, marked, and changes nothing until it parses.
 */
export function JsonField({ formData, onChange, schema, fieldPathId, name, required }: FieldProps) {
  const [text, setText] = useState(() => show(formData));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    // A change from outside (undo, another field) replaces the text unless it is the same value.
    setText((current) => (safeParse(current) === JSON.stringify(formData ?? null) ? current : show(formData)));
  }, [formData]);
  const id = fieldPathId.$id;
  return (
    <Form.Item
      label={schema.title ?? name}
      required={required}
      htmlFor={id}
      help={bad ? 'JSON' : undefined}
      validateStatus={bad ? 'error' : undefined}
      layout="vertical"
    >
      <Input.TextArea
        id={id}
        className="dz-mono"
        rows={3}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setBad(false);
            onChange(undefined, fieldPathId.path);
            return;
          }
          try {
            const value: unknown = JSON.parse(e.target.value);
            setBad(false);
            onChange(value, fieldPathId.path);
          } catch {
            setBad(true);
          }
        }}
      />
    </Form.Item>
  );
}

const show = (value: unknown) => (value === undefined ? '' : JSON.stringify(value, null, 2));

function safeParse(text: string): string | undefined {
  try {
    return JSON.stringify(text.trim() === '' ? null : JSON.parse(text));
  } catch {
    return undefined;
  }
}
