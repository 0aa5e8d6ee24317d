import type { Bundle, JsonSchema } from '@metacrm/metadata';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import type { Locale } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';

/** The RJSF form of a step's or trigger's settings. */
export interface ConfigForm {
  schema: RJSFSchema;
  uiSchema: UiSchema;
}

/** Titles of the settings the built-in steps and triggers share; others show their key. */
const TITLES: Record<string, [string, string]> = {
  to: ['收件人', 'To'],
  cc: ['抄送', 'Cc'],
  subject: ['主题', 'Subject'],
  html: ['正文（HTML）', 'Body (HTML)'],
  text: ['正文（纯文本）', 'Body (plain text)'],
  entity: ['实体', 'Entity'],
  record: ['记录', 'Record'],
  values: ['字段值', 'Values'],
  filter: ['筛选', 'Filter'],
  sort: ['排序', 'Sort'],
  limit: ['数量上限', 'Limit'],
  seconds: ['秒数', 'Seconds'],
  until: ['直到', 'Until'],
  url: ['地址', 'URL'],
  method: ['方法', 'Method'],
  headers: ['请求头', 'Headers'],
  body: ['内容', 'Body'],
  title: ['标题', 'Title'],
  approvers: ['审批人', 'Approvers'],
  mode: ['方式', 'Mode'],
  timeoutSeconds: ['超时（秒）', 'Timeout (seconds)'],
  link: ['链接', 'Link'],
  fields: ['字段', 'Fields'],
  cron: ['Cron 表达式', 'Cron expression'],
  timezone: ['时区', 'Time zone'],
  field: ['日期字段', 'Date field'],
  offset: ['偏移', 'Offset'],
  at: ['时刻', 'At'],
  team: ['团队', 'Team'],
  strategy: ['分配方式', 'Strategy'],
  refuse: ['重复时', 'On duplicates'],
  inputSchema: ['输入表单', 'Input form'],
};

/** A title for a setting in the user's language. */
export const settingTitle = (name: string, locale: Locale) => TITLES[name]?.[locale === 'en' ? 1 : 0] ?? name;

const LONG_TEXT = 1000;
const isObject = (s: unknown): s is JsonSchema => typeof s === 'object' && s !== null && !Array.isArray(s);
/** A schema that says nothing a form could show (any value, an object of free keys, json-logic). */
const free = (s: JsonSchema) => Object.keys(s).length === 0 || (s.type === 'object' && !isObject(s.properties)) || s.$ref !== undefined;
const stringOption = (s: JsonSchema) => (Array.isArray(s.anyOf) ? (s.anyOf as JsonSchema[]).find((o) => o.type === 'string') : undefined);

/**
 * The settings form of a step or trigger, from its `configSchema` as the palette gives
 * it: titles in the user's language; text settings as templates with a variable
 * inserter (`{{record.name}}`), long ones as text areas; settings whose schema a form
 * cannot show (json-logic, filters, free objects) as JSON; a text-or-logic setting as
 * text unless it holds logic; an `entity` as a choice among the draft's entities. The
 * root's requirement-only `anyOf` (at least one body) is left to the server's check.
 */
export function configForm(
  configSchema: JsonSchema,
  value: Record<string, unknown>,
  bundle: Bundle | undefined,
  locale: Locale,
): ConfigForm {
  const properties: Record<string, JsonSchema> = {};
  const uiSchema: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
  for (const [name, raw] of Object.entries((configSchema.properties ?? {}) as Record<string, unknown>)) {
    if (!isObject(raw)) continue;
    const title = settingTitle(name, locale);
    const text = stringOption(raw);
    if (text && typeof value[name] !== 'object') {
      properties[name] = { ...text, title };
      uiSchema[name] = { 'ui:widget': 'template', 'ui:options': { long: Number(text.maxLength ?? 0) > LONG_TEXT } };
    } else if (free(raw) || Array.isArray(raw.anyOf) || Array.isArray(raw.oneOf)) {
      properties[name] = { title, description: raw.description };
      uiSchema[name] = { 'ui:field': 'json' };
    } else if (name === 'entity' && raw.type === 'string' && bundle && bundle.entities.length > 0) {
      properties[name] = {
        type: 'string',
        title,
        oneOf: bundle.entities.map((e) => ({ const: e.key, title: `${labelOf(e.label, locale, e.key)} (${e.key})` })),
      };
    } else if (raw.type === 'string' && raw.enum === undefined && raw.pattern === undefined) {
      properties[name] = { ...raw, title };
      uiSchema[name] = { 'ui:widget': 'template', 'ui:options': { long: Number(raw.maxLength ?? 0) > LONG_TEXT } };
    } else {
      properties[name] = { ...raw, title };
    }
  }
  const required = Array.isArray(configSchema.required) ? (configSchema.required as string[]) : [];
  return { schema: { type: 'object', properties, required: required.filter((r) => r in properties) } as RJSFSchema, uiSchema };
}
