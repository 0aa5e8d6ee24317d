import { pointer, type Problem } from '../schema/problems.js';
import { BUILT_IN_ROLE_KEYS } from '../system-fields.js';
import type { Bundle, Dashboard, Navigation } from './bundle-types.js';
import { duplicateKeys } from './check-entities.js';
import { checkEntityRef, checkFieldRef, checkFilter } from './check-expressions.js';
import type { EntityIndex } from './entity-index.js';

/** The width of the dashboard grid, as the runtime UI lays it out (antd's 24 columns). */
export const DASHBOARD_COLUMNS = 24;

/** Fields that mean nothing in a report (as the aggregate API refuses them). */
const NOT_AGGREGATABLE = new Set(['_id', '_version', '_deletedAt']);

type Widget = Dashboard['widgets'][number];
type NavItem = Navigation['groups'][number]['items'][number];

/** Roles a navigation or dashboard names exist (in the bundle, or built in). */
function checkRoles(roles: readonly string[] | undefined, at: string, bundle: Bundle): Problem[] {
  const known = new Set([...bundle.roles.map((r) => r.key), ...BUILT_IN_ROLE_KEYS]);
  return (roles ?? []).flatMap((role, i) =>
    known.has(role) ? [] : [{ pointer: `${at}/${i}`, code: 'UNKNOWN_ROLE' as const, message: `no role "${role}"`, params: { role } }],
  );
}

/** A navigation: known roles, distinct group and item keys, and every entry points at something of the bundle. */
export function checkNavigation(nav: Navigation, at: string, index: EntityIndex, bundle: Bundle): Problem[] {
  const problems: Problem[] = [...checkRoles(nav.roles, `${at}/roles`, bundle), ...duplicateKeys(nav.groups, `${at}/groups`)];
  nav.groups.forEach((group, g) => {
    problems.push(...duplicateKeys(group.items, `${at}/groups/${g}/items`));
    group.items.forEach((item, i) => problems.push(...checkNavItem(item, `${at}/groups/${g}/items/${i}`, index, bundle)));
  });
  return problems;
}

function checkNavItem(item: NavItem, at: string, index: EntityIndex, bundle: Bundle): Problem[] {
  switch (item.type) {
    case 'entity': {
      const missing = checkEntityRef(item.entity, `${at}/entity`, index);
      if (missing.length > 0 || item.view === undefined) return missing;
      return checkViewRef(item.view, item.entity, `${at}/view`, bundle);
    }
    case 'dashboard':
      return (bundle.dashboards ?? []).some((d) => d.key === item.dashboard)
        ? []
        : [
            {
              pointer: `${at}/dashboard`,
              code: 'UNKNOWN_DASHBOARD',
              message: `no dashboard "${item.dashboard}"`,
              params: { dashboard: item.dashboard },
            },
          ];
    case 'url':
      return [];
  }
}

/** A view of `entity` named `key` exists (and, for click-through, is a list). */
function checkViewRef(key: string, entity: string, at: string, bundle: Bundle, listOnly = false): Problem[] {
  const view = bundle.views.find((v) => v.key === key);
  if (!view || view.entity !== entity)
    return [{ pointer: at, code: 'UNKNOWN_VIEW', message: `no view "${key}" of ${entity}`, params: { view: key, entity } }];
  if (listOnly && view.type !== 'list')
    return [{ pointer: at, code: 'NOT_ALLOWED_VALUE', message: `"${key}" is a ${view.type} view; a widget opens a list view` }];
  return [];
}

/** At most one default navigation: the one shown to users no navigation names by role. */
export function checkDefaultNavigation(navigation: readonly Navigation[]): Problem[] {
  const defaults = navigation.map((n, i) => ({ n, i })).filter(({ n }) => n.default === true);
  return defaults.slice(1).map(({ i }) => ({
    pointer: `${pointer('navigation', i)}/default`,
    code: 'DUPLICATE_DEFAULT' as const,
    message: `"${defaults[0]!.n.key}" is already the default navigation`,
    params: { navigation: defaults[0]!.n.key },
  }));
}

/** A dashboard: known roles, distinct widget keys, widgets inside the grid, and each widget's aggregate sound. */
export function checkDashboard(dashboard: Dashboard, at: string, index: EntityIndex, bundle: Bundle): Problem[] {
  const problems: Problem[] = [...checkRoles(dashboard.roles, `${at}/roles`, bundle), ...duplicateKeys(dashboard.widgets, `${at}/widgets`)];
  dashboard.widgets.forEach((widget, i) => problems.push(...checkWidget(widget, `${at}/widgets/${i}`, index, bundle)));
  return problems;
}

function checkWidget(widget: Widget, at: string, index: EntityIndex, bundle: Bundle): Problem[] {
  const problems: Problem[] = [];
  if (widget.layout.x + widget.layout.w > DASHBOARD_COLUMNS) {
    problems.push({
      pointer: `${at}/layout/w`,
      code: 'OUT_OF_GRID',
      message: `x + w must be at most ${DASHBOARD_COLUMNS}`,
      params: { columns: DASHBOARD_COLUMNS },
    });
  }
  const missing = checkEntityRef(widget.entity, `${at}/entity`, index);
  if (missing.length > 0) return [...problems, ...missing];
  const { query } = widget;
  const groups = query.groupBy ?? [];
  problems.push(...checkFilter(query.filter, widget.entity, `${at}/query/filter`, index));
  groups.forEach((g, i) => problems.push(...checkGroup(g, widget.entity, `${at}/query/groupBy/${i}`, index)));
  query.measures.forEach((m, i) => problems.push(...checkMeasure(m, widget.entity, `${at}/query/measures/${i}`, index)));
  const arity = WIDGET_GROUPS[widget.type];
  if (groups.length < arity.min || groups.length > arity.max) {
    problems.push({
      pointer: `${at}/query/groupBy`,
      code: 'OUT_OF_RANGE',
      message: `a ${widget.type} widget takes ${arity.min === arity.max ? arity.min : `${arity.min} to ${arity.max}`} groupBy entries`,
      params: arity,
    });
  }
  if (arity.oneMeasure && query.measures.length !== 1)
    problems.push({ pointer: `${at}/query/measures`, code: 'OUT_OF_RANGE', message: `a ${widget.type} widget shows one measure` });
  if (query.sort) {
    const count = query.sort.by === 'group' ? groups.length : query.measures.length;
    if ((query.sort.index ?? 0) >= count)
      problems.push({
        pointer: `${at}/query/sort/index`,
        code: 'OUT_OF_RANGE',
        message: `there ${count === 1 ? 'is 1' : `are ${count}`} ${query.sort.by}s to sort by`,
      });
  }
  if (widget.view !== undefined) problems.push(...checkViewRef(widget.view, widget.entity, `${at}/view`, bundle, true));
  return problems;
}

/** How many groupBy entries each widget type draws, and whether it shows a single measure. */
const WIDGET_GROUPS: Record<Widget['type'], { min: number; max: number; oneMeasure: boolean }> = {
  kpi: { min: 0, max: 0, oneMeasure: true },
  bar: { min: 1, max: 2, oneMeasure: false },
  line: { min: 1, max: 2, oneMeasure: false },
  pie: { min: 1, max: 1, oneMeasure: true },
  funnel: { min: 1, max: 1, oneMeasure: true },
  table: { min: 0, max: 2, oneMeasure: false },
};

const isTemporal = (value: string) => value === 'date' || value === 'datetime';

function checkGroup(group: { field: string; bucket?: string }, entity: string, at: string, index: EntityIndex): Problem[] {
  const traits = index.traits(entity, group.field);
  if (!traits) return checkFieldRef(entity, group.field, `${at}/field`, index);
  if (!traits.groupable || NOT_AGGREGATABLE.has(group.field))
    return [{ pointer: `${at}/field`, code: 'FIELD_TYPE_MISMATCH', message: `a ${traits.type} field cannot be grouped on` }];
  if (group.bucket !== undefined && !isTemporal(traits.value))
    return [
      {
        pointer: `${at}/bucket`,
        code: 'FIELD_TYPE_MISMATCH',
        message: `only date and date-time fields take a bucket; "${group.field}" is ${traits.type}`,
      },
    ];
  return [];
}

function checkMeasure(measure: { fn: string; field?: string }, entity: string, at: string, index: EntityIndex): Problem[] {
  if (measure.field === undefined)
    return measure.fn === 'count' ? [] : [{ pointer: `${at}/field`, code: 'REQUIRED', message: `${measure.fn} needs a field` }];
  const traits = index.traits(entity, measure.field);
  if (!traits) return checkFieldRef(entity, measure.field, `${at}/field`, index);
  if (NOT_AGGREGATABLE.has(measure.field))
    return [{ pointer: `${at}/field`, code: 'FIELD_TYPE_MISMATCH', message: `"${measure.field}" cannot be measured` }];
  if (measure.fn === 'count') return [];
  const fits = traits.numeric || ((measure.fn === 'min' || measure.fn === 'max') && isTemporal(traits.value));
  return fits
    ? []
    : [
        {
          pointer: `${at}/field`,
          code: 'FIELD_TYPE_MISMATCH',
          message: `${measure.fn} needs a numeric${measure.fn === 'min' || measure.fn === 'max' ? ', date or date-time' : ''} field; "${measure.field}" is ${traits.type}`,
        },
      ];
}
