import type { Entity } from '@metacrm/metadata';
import type { FieldProps } from '@rjsf/utils';
import { Form } from 'antd';
import { ExpressionBuilder } from '../common/expression/expression-builder';

/** What the settings form passes its custom fields (RJSF's form context). */
export interface SettingsContext {
  entity: Entity;
}

/** A formula's expression in the settings form: the expression builder, over the entity being designed. */
export function ExpressionField({ formData, onChange, schema, fieldPathId, name, required, registry }: FieldProps) {
  const { entity } = registry.formContext as SettingsContext;
  const id = fieldPathId.$id;
  return (
    <Form.Item label={<span id={`${id}-title`}>{schema.title ?? name}</span>} required={required} layout="vertical">
      <ExpressionBuilder id={id} value={formData} entity={entity} onChange={(next) => onChange(next, fieldPathId.path)} />
    </Form.Item>
  );
}
