import { META_SCHEMAS, type JsonSchema } from '../schema/meta-schemas.js';

/** Where a type sits in the designer's palette. */
export type FieldTypeGroup = 'text' | 'number' | 'choice' | 'date' | 'relation' | 'computed' | 'media';

/** One entry of the designer's field palette. */
export interface FieldTypePaletteEntry {
  type: string;
  group: FieldTypeGroup;
  label: { 'zh-CN': string; en: string };
}

const entry = (type: string, group: FieldTypeGroup, en: string, zh: string): FieldTypePaletteEntry => ({ type, group, label: { 'zh-CN': zh, en } });

/** The 21 built-in field types, in palette order, with their group and names in both languages. */
export const FIELD_TYPE_PALETTE: readonly FieldTypePaletteEntry[] = [
  entry('text', 'text', 'Text', '单行文本'),
  entry('long_text', 'text', 'Long text', '多行文本'),
  entry('rich_text', 'text', 'Rich text', '富文本'),
  entry('email', 'text', 'Email', '邮箱'),
  entry('phone', 'text', 'Phone', '电话'),
  entry('url', 'text', 'URL', '网址'),
  entry('integer', 'number', 'Integer', '整数'),
  entry('decimal', 'number', 'Decimal', '小数'),
  entry('currency', 'number', 'Currency', '金额'),
  entry('percent', 'number', 'Percent', '百分比'),
  entry('boolean', 'choice', 'Yes / no', '是/否'),
  entry('single_select', 'choice', 'Single select', '单选'),
  entry('multi_select', 'choice', 'Multi select', '多选'),
  entry('date', 'date', 'Date', '日期'),
  entry('datetime', 'date', 'Date and time', '日期时间'),
  entry('lookup', 'relation', 'Lookup', '关联'),
  entry('user', 'relation', 'User', '人员'),
  entry('auto_number', 'computed', 'Auto number', '自动编号'),
  entry('formula', 'computed', 'Formula', '公式'),
  entry('rollup', 'computed', 'Roll-up', '汇总'),
  entry('attachment', 'media', 'Attachment', '附件'),
];

type Defs = Record<string, JsonSchema>;
const FIELD_DEFS = (META_SCHEMAS.field as unknown as { $defs: Defs }).$defs;
const COMMON_DEFS = (META_SCHEMAS.common as unknown as { $defs: Defs }).$defs;

/**
 * The settings schema of one built-in field type, self-contained: the settings every
 * field has (field.schema.json `base`) and the type's own, as one object schema whose
 * `$ref`s point into its own `$defs` (the common definitions), so a form library can
 * render it without the other schema files. Throws for a type that is not built in.
 */
export function fieldTypeSettingsSchema(type: string): JsonSchema {
  const branch = FIELD_DEFS[type];
  if (!branch || type === 'base') throw new Error(`"${type}" is not a built-in field type`);
  const base = FIELD_DEFS.base as { properties: Record<string, JsonSchema>; required: string[] };
  const own = branch as { description?: string; properties: Record<string, JsonSchema>; required?: string[] };
  return localRefs({
    type: 'object',
    ...(own.description ? { description: own.description } : {}),
    properties: { ...base.properties, ...own.properties, type: { const: type } },
    required: [...new Set([...base.required, ...(own.required ?? [])])],
    additionalProperties: false,
    $defs: COMMON_DEFS,
  }) as JsonSchema;
}

/** Rewrites `common.schema.json#/$defs/x` to `#/$defs/x`, recursively (the common defs refer to each other as `#/$defs/x` already). */
function localRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(localRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace(/^common\.schema\.json#/, '#') : localRefs(v)]),
  );
}
