import type { Dashboard, Navigation } from '@metacrm/metadata';
import { isUnrestricted, type Actor } from '../actor/actor.js';
import { filterFields } from './filter-fields.js';

/** What the user may reach, as userMetadata has worked it out. */
export interface Reach {
  /** The user may list records of the entity. */
  canList(entity: string): boolean;
  /** The user may filter, group or measure on the field (readable, not masked). */
  queryable(entity: string, field: string): boolean;
  /** The keys of the views the user sees. */
  views: ReadonlySet<string>;
}

type Widget = Dashboard['widgets'][number];

/**
 * The dashboards the user sees: those for their roles (or for everyone), with only the
 * widgets whose query they may run (entity readable; every field filtered, grouped or
 * measured readable unmasked, as the aggregate API demands). A dashboard left with no
 * widget is left out. A widget's click-through view goes when the user lacks it.
 */
export function userDashboards(dashboards: readonly Dashboard[], actor: Actor, reach: Reach): Dashboard[] {
  return dashboards.flatMap((dashboard) => {
    if (!forRoles(dashboard.roles, actor)) return [];
    const widgets = dashboard.widgets.flatMap((w) => (runnable(w, reach) ? [withView(w, reach)] : []));
    return widgets.length === 0 ? [] : [{ ...dashboard, widgets }];
  });
}

function runnable(widget: Widget, reach: Reach): boolean {
  if (!reach.canList(widget.entity)) return false;
  const { filter, groupBy = [], measures } = widget.query;
  const fields = [
    ...filterFields(filter),
    ...groupBy.map((g) => g.field),
    ...measures.flatMap((m) => (m.field === undefined ? [] : [m.field])),
  ];
  return fields.every((field) => reach.queryable(widget.entity, field));
}

function withView(widget: Widget, reach: Reach): Widget {
  if (widget.view === undefined || reach.views.has(widget.view)) return widget;
  const { view: _view, ...rest } = widget;
  return rest;
}

/**
 * The navigation for the user: the first (by key) naming one of their roles, else the
 * default one, else the first naming no role; null when none fits. Entries pointing at
 * what the user cannot reach are left out, then empty groups; groups and entries come
 * in their `order` (then as listed).
 */
export function userNavigation(
  navigation: readonly Navigation[],
  actor: Actor,
  reach: Reach,
  dashboards: ReadonlySet<string>,
): Navigation | null {
  const byRole = navigation.find((n) => (n.roles ?? []).some((r) => actor.roles.includes(r)));
  const chosen =
    byRole ??
    navigation.find((n) => n.default === true) ??
    navigation.find((n) => (n.roles ?? []).length === 0) ??
    (isUnrestricted(actor) ? navigation[0] : undefined);
  if (!chosen) return null;
  const groups = ordered(chosen.groups).flatMap((group) => {
    const items = ordered(group.items).filter((item) => {
      switch (item.type) {
        case 'entity':
          return reach.canList(item.entity) && (item.view === undefined || reach.views.has(item.view));
        case 'dashboard':
          return dashboards.has(item.dashboard);
        case 'url':
          return true;
      }
    });
    return items.length === 0 ? [] : [{ ...group, items }];
  });
  return { ...chosen, groups };
}

function forRoles(roles: readonly string[] | undefined, actor: Actor): boolean {
  return roles === undefined || roles.length === 0 || isUnrestricted(actor) || roles.some((r) => actor.roles.includes(r));
}

function ordered<T extends { order?: number }>(items: readonly T[]): T[] {
  return items
    .map((item, i) => ({ item, rank: item.order ?? i, i }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ item }) => item);
}
