import type { JsonSchema } from '@metacrm/metadata';

/** Any OpenAPI object (operation, response, parameter...): plain JSON. */
export type OpenApiObject = Record<string, unknown>;

/** `{ $ref: '#/components/schemas/<name>' }`. */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** `{ $ref: '#/components/responses/<name>' }`. */
export function responseRef(name: string): OpenApiObject {
  return { $ref: `#/components/responses/${name}` };
}

/** `{ $ref: '#/components/parameters/<name>' }`. */
export function parameterRef(name: string): OpenApiObject {
  return { $ref: `#/components/parameters/${name}` };
}

/** A JSON body of one schema, for a request or a response. */
export function jsonContent(schema: JsonSchema): OpenApiObject {
  return { 'application/json': { schema } };
}

/** A response with a JSON body. */
export function jsonResponse(description: string, schema: JsonSchema, headers?: OpenApiObject): OpenApiObject {
  return { description, ...(headers ? { headers } : {}), content: jsonContent(schema) };
}

/** Labels in both languages: English as `title`, Chinese in `x-label-zh-CN`. */
export interface I18n {
  'zh-CN': string;
  en: string;
}

/** `title` and `x-label-zh-CN` (and `description` when there is one) from metadata labels. */
export function labelled(label: I18n | undefined, description?: I18n): JsonSchema {
  const out: JsonSchema = {};
  if (label) {
    out.title = label.en;
    out['x-label-zh-CN'] = label['zh-CN'];
  }
  if (description?.en) out.description = description.en;
  return out;
}

/** The pattern of a record id (a MongoDB ObjectId in hex). */
export const RECORD_ID_PATTERN = '^[0-9a-f]{24}$';

/** A JSON object with exactly these properties (all of them required unless listed as optional). */
export function object(properties: Record<string, JsonSchema>, optional: readonly string[] = [], extra: JsonSchema = {}): JsonSchema {
  const required = Object.keys(properties).filter((k) => !optional.includes(k));
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), ...extra };
}
