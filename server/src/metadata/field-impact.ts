import type { Db } from 'mongodb';
import {
  ITEM_KINDS,
  keyedPointer,
  validateBundle,
  type Bundle,
  type Entity,
  type FieldImpact,
  type FieldReference,
  type ItemKind,
  type Problem,
} from '@metacrm/metadata';
import { recordCollection } from '../record-storage/record-collections.js';
import { MetadataItemNotFound } from './metadata.errors.js';
import type { MetadataToolkit } from './metadata-toolkit.js';

/**
 * The impact of deleting `field` from `entity` in the draft `bundle`. A reference is
 * whatever the publish check would refuse once the field is gone (a form's cell, a
 * view's column or filter, a rule's expression, a role's field grant, a workflow step,
 * a formula, roll-up or display field, a dashboard widget), so this list and publish
 * can never disagree: problems the draft already has are left out.
 */
export async function fieldImpact(db: Db, toolkit: MetadataToolkit, bundle: Bundle, entity: string, field: string): Promise<FieldImpact> {
  const target = bundle.entities.find((e) => e.key === entity);
  if (!target) throw MetadataItemNotFound(`No entity "${entity}" in the draft`, { kind: 'entities', key: entity });
  if (!target.fields.some((f) => f.key === field))
    throw MetadataItemNotFound(`The draft entity "${entity}" has no field "${field}"`, { kind: 'entities', key: entity, field });

  const without: Bundle = { ...bundle, entities: bundle.entities.map((e) => (e.key === entity ? withoutField(e, field) : e)) };
  const seen = new Set(problemsOf(bundle, toolkit).map(signature));
  const references = Object.fromEntries(ITEM_KINDS.map((kind) => [kind, [] as FieldReference[]])) as Record<ItemKind, FieldReference[]>;
  for (const problem of problemsOf(without, toolkit)) {
    if (seen.has(signature(problem))) continue;
    const [, kind, key] = problem.pointer.split('/');
    if (!ITEM_KINDS.includes(kind as ItemKind) || !key) continue;
    references[kind as ItemKind].push({
      kind: kind as ItemKind,
      key: decodeSegment(key),
      pointer: problem.pointer,
      code: problem.code,
      message: problem.message,
    });
  }
  for (const ref of workflowMentions(bundle, entity, field)) {
    if (!references.workflows.some((r) => r.pointer === ref.pointer)) references.workflows.push(ref);
  }
  const records = await recordCollection(db, entity).countDocuments({ [field]: { $exists: true, $ne: null } });
  return { entity, field, records, references };
}

/**
 * Workflow steps the publish check lets through with a stale name (a run would then
 * fail or write nothing): `record.<field>` in an expression or a `{{record.<field>}}`
 * template, the field as a key of the values a step writes, or in a trigger's `fields`.
 */
function workflowMentions(bundle: Bundle, entity: string, field: string): FieldReference[] {
  const found: FieldReference[] = [];
  bundle.workflows.forEach((workflow, index) => {
    if (workflow.entity !== entity) return;
    walk(
      workflow,
      `/workflows/${index}`,
      (pointer) => {
        const keyed = keyedPointer(pointer, bundle);
        if (!found.some((r) => r.pointer === keyed))
          found.push({
            kind: 'workflows',
            key: workflow.key,
            pointer: keyed,
            code: 'NAMES_FIELD',
            message: `The workflow "${workflow.key}" names the field "${field}"`,
          });
      },
      field,
    );
  });
  return found;
}

function walk(node: unknown, at: string, hit: (pointer: string) => void, field: string): void {
  if (typeof node === 'string') {
    if (new RegExp(`\\{\\{\\s*record\\.${field}\\b`).test(node)) hit(at);
    return;
  }
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, `${at}/${i}`, hit, field));
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const object = node as Record<string, unknown>;
  const path = Array.isArray(object.var) ? object.var[0] : object.var;
  if (typeof path === 'string' && path.split('.')[1] === field && path.startsWith('record.')) hit(`${at}/var`);
  if (Array.isArray(object.fields) && object.fields.includes(field)) hit(`${at}/fields`);
  const values = object.values;
  if (values !== null && typeof values === 'object' && !Array.isArray(values) && field in values) hit(`${at}/values/${field}`);
  for (const [key, child] of Object.entries(object)) walk(child, `${at}/${key}`, hit, field);
}

function withoutField(entity: Entity, field: string): Entity {
  return { ...entity, fields: entity.fields.filter((f) => f.key !== field) } as Entity;
}

function problemsOf(bundle: Bundle, toolkit: MetadataToolkit): Problem[] {
  return validateBundle(bundle, toolkit.registries, toolkit.validator).map((p) => ({ ...p, pointer: keyedPointer(p.pointer, bundle) }));
}

const signature = (p: Problem) => `${p.pointer} ${p.code}`;

/** A JSON pointer segment as written (`~1` is `/`, `~0` is `~`). */
function decodeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
