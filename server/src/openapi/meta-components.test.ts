import { describe, expect, it } from 'vitest';
import { BUILT_IN_FIELD_TYPES, emptyBundle, type JsonSchema } from '@metacrm/metadata';
import { salesBundle } from '../../../test/fixtures/sales-bundle.js';
import { createRegistries } from '../runtime/registries.js';
import { metaSchemaComponents } from './meta-components.js';
import { ComponentValidator, snapshotOf } from './openapi.fixture.js';
import { buildOpenApiDocument } from './openapi.js';

const components = metaSchemaComponents(createRegistries().fieldTypes);
const at = (name: string) => components[name] as JsonSchema & { properties: Record<string, JsonSchema> };

describe('metadata schemas as components', () => {
  it.each([
    ['MetaEntity', 'the entity schema'],
    ['MetaField', 'the field union'],
    ['MetaForm', 'the form schema'],
    ['MetaView', 'the view union'],
    ['MetaRule', 'the rule schema'],
    ['MetaWorkflow', 'the workflow schema'],
    ['MetaRole', 'the role schema'],
    ['MetaBundle', 'the bundle'],
    ['MetaAppPackage', 'the app package'],
    ['Filter', 'the filter language'],
    ['Condition', 'one filter condition'],
    ['MetaKey', 'a key'],
    ['MetaI18nText', 'a label'],
    ['MetaLogic', 'a json-logic expression'],
  ])('include %s (%s)', (name) => {
    expect(components[name]).toEqual(expect.any(Object));
  });

  it('point every $ref at a component, with no $id or $schema left', () => {
    expect(at('MetaEntity').properties.key).toEqual({ $ref: '#/components/schemas/MetaKey' });
    expect(at('MetaEntity').properties.fields).toMatchObject({ items: { $ref: '#/components/schemas/MetaField' } });
    expect(at('MetaField.text').allOf).toEqual([{ $ref: '#/components/schemas/MetaField.base' }]);
    expect(at('Filter').anyOf).toContainEqual({ $ref: '#/components/schemas/Condition' });
    const text = JSON.stringify(components);
    expect(text).not.toMatch(/"\$id"|"\$schema"|"\$defs"|x-unresolved-ref/);
    for (const ref of text.match(/"\$ref":"[^"]*"/g) ?? []) expect(ref).toMatch(/^"\$ref":"#\/components\/schemas\/[^"/]+/);
  });

  it('express the discriminator in OpenAPI form, with a mapping to each variant', () => {
    const field = at('MetaField').discriminator as { propertyName: string; mapping: Record<string, string> };
    expect(field.propertyName).toBe('type');
    expect(Object.keys(field.mapping).sort()).toEqual([...BUILT_IN_FIELD_TYPES].sort());
    expect(field.mapping.lookup).toBe('#/components/schemas/MetaField.lookup');
    expect(at('MetaView').discriminator).toEqual({
      propertyName: 'type',
      mapping: {
        list: '#/components/schemas/MetaView.list',
        kanban: '#/components/schemas/MetaView.kanban',
        calendar: '#/components/schemas/MetaView.calendar',
      },
    });
  });

  it('include field types that plugins register', () => {
    const registries = createRegistries();
    registries.fieldTypes.register('rating', {
      type: 'rating',
      value: 'integer',
      operators: ['eq'],
      computed: false,
      ordered: true,
      numeric: true,
      groupable: true,
      settingsSchema: { type: 'object', properties: { max: { type: 'integer', minimum: 1 } }, required: ['max'] },
    });
    const withPlugin = metaSchemaComponents(registries.fieldTypes);
    expect(withPlugin['MetaField.rating']).toMatchObject({
      properties: { type: { const: 'rating' } },
      allOf: [{ $ref: '#/components/schemas/MetaField.base' }],
    });
    expect((withPlugin.MetaField!.discriminator as { mapping: Record<string, string> }).mapping.rating).toBe(
      '#/components/schemas/MetaField.rating',
    );
  });

  it('still accept real metadata and refuse broken metadata', () => {
    const validator = new ComponentValidator(buildOpenApiDocument(snapshotOf(emptyBundle(), 0), createRegistries()));
    const bundle = salesBundle();
    expect(validator.errors('MetaBundle', bundle)).toBeNull();
    expect(validator.errors('MetaEntity', bundle.entities[1])).toBeNull();
    expect(validator.errors('MetaView', bundle.views[1])).toBeNull();
    expect(validator.errors('Filter', bundle.views[0]!.filter)).toBeNull();
    expect(validator.errors('Filter', { field: 'stage', op: '$where', value: 1 })).not.toBeNull();
    expect(validator.errors('MetaEntity', { ...bundle.entities[0]!, key: 'Bad Key' })).not.toBeNull();
    expect(validator.errors('MetaField', { key: 'x', type: 'currency', label: { 'zh-CN': '金额', en: 'Amount' } })).not.toBeNull();
  });
});
