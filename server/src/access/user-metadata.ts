import { createHash } from 'node:crypto';
import type { BundleRegistries, UserAction, UserMetadata, View, Workflow } from '@metacrm/metadata';
import { isSystemField, userEntity, userForm } from '@metacrm/metadata';
import { isUnrestricted, type Actor } from '../actor/actor.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { entityPolicy, type EntityPolicy } from './entity-policy.js';
import { filterFields } from './filter-fields.js';
import { userDashboards, userNavigation, type Reach } from './user-navigation.js';

/**
 * The published metadata `actor` may see: entities they may read or create (only fields
 * they may read, with per-field write and mask flags), the forms and views of those
 * entities with unreadable fields left out, the manual workflows they may start, and
 * the navigation and dashboards for their roles, without what they cannot reach.
 * Pure: the caller passes the workflows switched off at run time.
 *
 * A view that filters, sorts or groups on a field the actor cannot read is left out
 * whole: the record engine would refuse its query, and dropping only the condition
 * would show records the view was meant to hide.
 */
export function userMetadata(
  snapshot: MetadataSnapshot,
  registries: BundleRegistries,
  actor: Actor,
  disabledWorkflows: ReadonlySet<string>,
): UserMetadata {
  const policies = new Map<string, EntityPolicy>();
  for (const entity of snapshot.bundle.entities) {
    const policy = entityPolicy(snapshot, actor, entity.key, registries.operations);
    if (policy.can('read') || policy.can('create')) policies.set(entity.key, policy);
  }
  const readable = (entity: string, field: string) => isSystemField(field) || policies.get(entity)?.field(field).read === true;
  const queryable = (entity: string, field: string) =>
    isSystemField(field) || (readable(entity, field) && !policies.get(entity)?.field(field).mask);
  const views = snapshot.bundle.views.flatMap((v) => {
    if (!policies.get(v.entity)?.can('read')) return [];
    const view = userView(
      v,
      (field) => readable(v.entity, field),
      (field) => queryable(v.entity, field),
    );
    return view ? [view] : [];
  });
  const reach: Reach = {
    canList: (entity) => policies.get(entity)?.can('read') === true,
    queryable,
    views: new Set(views.map((v) => v.key)),
  };
  const dashboards = userDashboards(snapshot.bundle.dashboards ?? [], actor, reach);
  return {
    version: snapshot.version,
    user: { id: actor.id, name: actor.name, roles: actor.roles, locale: actor.locale ?? null },
    entities: snapshot.bundle.entities.flatMap((e) => (policies.has(e.key) ? [userEntity(e, policies.get(e.key)!, registries)] : [])),
    forms: snapshot.bundle.forms.flatMap((f) => (policies.has(f.entity) ? [userForm(f, (field) => readable(f.entity, field))] : [])),
    views,
    actions: snapshot.bundle.workflows.flatMap((w) =>
      startable(w, disabledWorkflows, policies) && mayStartManually(w, actor) ? [userAction(w)] : [],
    ),
    navigation: userNavigation(snapshot.bundle.navigation ?? [], actor, reach, new Set(dashboards.map((d) => d.key))),
    dashboards,
  };
}

/** A strong ETag over the body: it changes with the version, the roles and anything switched on or off. */
export function userMetadataETag(body: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`;
}

function userView(view: View, readable: (field: string) => boolean, queryable: (field: string) => boolean): View | undefined {
  if (!filterFields(view.filter).every(queryable) || !(view.sort ?? []).every((s) => queryable(s.field))) return undefined;
  switch (view.type) {
    case 'list': {
      const columns = view.columns.filter((c) => readable(c.field));
      return columns.length === 0 ? undefined : { ...view, columns };
    }
    case 'kanban':
      if (!queryable(view.groupBy)) return undefined;
      return { ...view, ...(view.cardFields ? { cardFields: view.cardFields.filter(readable) } : {}) };
    case 'calendar': {
      if (!queryable(view.dateField) || (view.endDateField !== undefined && !queryable(view.endDateField))) return undefined;
      const { titleField, ...rest } = view;
      return titleField === undefined || readable(titleField) ? view : rest;
    }
  }
}

/**
 * Whether the actor's roles let them start a manual workflow: its trigger's `roles`, when
 * set, name the roles that may (a manager's "assign from the pool"); administrators
 * always may. Reading the workflow's records is checked apart, by the record engine.
 */
export function mayStartManually(workflow: Workflow, actor: Actor): boolean {
  const roles = (workflow.trigger as { roles?: readonly string[] }).roles;
  return roles === undefined || isUnrestricted(actor) || actor.roles.some((r) => roles.includes(r));
}

/** A manual workflow that is on, over an entity the actor may read (or none), as the trigger route requires. */
function startable(workflow: Workflow, disabled: ReadonlySet<string>, policies: ReadonlyMap<string, EntityPolicy>): boolean {
  if (workflow.trigger.type !== 'manual' || workflow.active === false || disabled.has(workflow.key)) return false;
  return workflow.entity === undefined || policies.get(workflow.entity)?.can('read') === true;
}

function userAction(workflow: Workflow): UserAction {
  const inputSchema = (workflow.trigger as { inputSchema?: Record<string, unknown> }).inputSchema;
  return { key: workflow.key, label: workflow.label, entity: workflow.entity ?? null, inputSchema: inputSchema ?? null };
}
