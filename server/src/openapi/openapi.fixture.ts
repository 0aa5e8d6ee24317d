import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Bundle, JsonSchema } from '@metacrm/metadata';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { OpenApiDocument } from './openapi.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;

/** The extension keywords the generator writes into schemas: annotations, never checked. */
const ANNOTATIONS = [
  'discriminator',
  'x-label-zh-CN',
  'x-field-type',
  'x-decimal',
  'x-currency',
  'x-lookup',
  'x-enum-labels',
  'x-enum-colors',
  'x-enum-retired',
  'x-entity',
];

/**
 * Test support: compiles every component schema of a generated document with ajv
 * (JSON Schema 2020-12, strict, with formats), so tests can check that real answers
 * validate against `#/components/schemas/<name>`. Compiling in strict mode also proves
 * each component is a well-formed 2020-12 schema.
 */
export class ComponentValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv);
    this.ajv.addVocabulary(ANNOTATIONS);
    this.ajv.addSchema({ $id: 'urn:metacrm:openapi', $defs: toDefs(document.components.schemas) as JsonSchema });
  }

  /** Compiles every component (throws on the first that is not a valid schema). */
  compileAll(names: Iterable<string>): void {
    for (const name of names) this.validator(name);
  }

  /** The errors of `data` against the component, or null when it is valid. */
  errors(name: string, data: unknown): ErrorObject[] | null {
    const validate = this.validator(name);
    return validate(data) ? null : (validate.errors ?? []);
  }

  private validator(name: string): ValidateFunction {
    let validate = this.compiled.get(name);
    if (!validate) {
      validate = this.ajv.getSchema(`urn:metacrm:openapi#/$defs/${name}`);
      if (!validate) throw new Error(`no component ${name}`);
      this.compiled.set(name, validate);
    }
    return validate;
  }
}

/** The component schemas with `#/components/schemas/X` references turned into `#/$defs/X`. */
function toDefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toDefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/$defs/') : toDefs(v),
    ]),
  );
}

/**
 * Every `$ref` and discriminator mapping in the document that does not lead to
 * something inside it (JSON pointers resolved from the document root).
 */
export function unresolvedRefs(document: OpenApiDocument): string[] {
  const out: string[] = [];
  const check = (ref: string, at: string) => {
    if (!ref.startsWith('#/') || resolvePointer(document, ref.slice(1)) === undefined) out.push(`${at}: ${ref}`);
  };
  const walk = (value: unknown, at: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${at}/${i}`));
    if (value === null || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') check(v, at);
      else if (key === 'x-unresolved-ref') out.push(`${at}: unresolved ${String(v)}`);
      else if (key === 'mapping' && at.endsWith('/discriminator'))
        Object.values(v as Record<string, string>).forEach((m) => check(m, `${at}/mapping`));
      else walk(v, `${at}/${key}`);
    }
  };
  walk(document, '');
  return out;
}

function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/** A snapshot of a bundle, as the MetadataCache makes one (not frozen). */
export function snapshotOf(bundle: Bundle, version = 1): MetadataSnapshot {
  return { version, bundle, entity: (key) => bundle.entities.find((e) => e.key === key) };
}
