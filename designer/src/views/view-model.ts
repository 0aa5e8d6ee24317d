import { fieldTraits, isSystemField, type Entity, type Field, type View } from '@metacrm/metadata';
import { fieldTypes } from '@metacrm/ui-kit';

export type ViewType = View['type'];
export const VIEW_TYPES: ViewType[] = ['list', 'kanban', 'calendar'];

// What a field can do in a view, asked of its type's traits (never of its type's name).
const traits = (field: Field) => fieldTraits(field as never, fieldTypes);
/** One value out of a fixed list of options: what a kanban board makes its columns of. */
export const isSingleChoice = (field: Field) =>
  traits(field)?.value === 'string' && Array.isArray((field as { options?: unknown }).options);
export const isDateField = (field: Field) => ['date', 'datetime'].includes(traits(field)?.value ?? '');
export const isNumeric = (field: Field) => traits(field)?.numeric === true;
/** A field the record API can sort on: ordered or groupable (compileSort's rule). */
export const isSortable = (field: Field) => traits(field)?.ordered === true || traits(field)?.groupable === true;

/** The fields a view shows as columns or card fields, in its own order. */
export function shownFields(view: View): string[] {
  if (view.type === 'list') return view.columns.map((c) => c.field);
  if (view.type === 'kanban') return view.cardFields ?? [];
  return [];
}

/** The view with `fields` as its columns (a list) or card fields (a board; at most 8). */
export function withShownFields(view: View, fields: string[]): View {
  if (view.type === 'list') {
    const widths = new Map(view.columns.map((c) => [c.field, c.width]));
    return { ...view, columns: fields.map((field) => (widths.get(field) ? { field, width: widths.get(field)! } : { field })) };
  }
  if (view.type === 'kanban') return { ...view, cardFields: fields.slice(0, 8) };
  return view;
}

/**
 * The view turned into another type, keeping what all types share (key, entity, names,
 * filter, sort, default) and carrying the shown fields across; undefined when the entity
 * lacks what the type needs (a single-select field for a board, a date for a calendar).
 */
export function switchType(view: View, type: ViewType, entity: Entity): View | undefined {
  if (view.type === type) return view;
  const { key, label, filter, sort } = view;
  const common = {
    key,
    entity: view.entity,
    label,
    ...(filter ? { filter } : {}),
    ...(sort ? { sort } : {}),
    ...(view.default ? { default: true } : {}),
  };
  const shown = shownFields(view);
  const titleField = view.type === 'calendar' ? view.titleField : (shown[0] ?? entity.displayField);
  if (type === 'list') {
    const columns = (shown.length > 0 ? shown : [titleField ?? entity.displayField ?? entity.fields[0]?.key]).filter(
      (f): f is string => !!f,
    );
    return { ...common, type, columns: columns.map((field) => ({ field })) };
  }
  if (type === 'kanban') {
    const group = entity.fields.find(isSingleChoice);
    if (!group) return undefined;
    return {
      ...common,
      type,
      groupBy: group.key,
      cardFields: (shown.length > 0 ? shown : [entity.displayField].filter((f): f is string => !!f))
        .filter((f) => f !== group.key)
        .slice(0, 8),
    };
  }
  const date = entity.fields.find(isDateField);
  if (!date) return undefined;
  return { ...common, type, dateField: date.key, ...(titleField ? { titleField } : {}) };
}

/** A field key is one of the entity's, or a system field (`_createdAt`...). */
export const knownField = (entity: Entity, key: string) => isSystemField(key) || entity.fields.some((f) => f.key === key);

/** A new view of `type` for the entity, as the "New view" dialog creates it. */
export function newView(entity: Entity, key: string, label: { 'zh-CN': string; en: string }, type: ViewType): View | undefined {
  const first = entity.displayField ?? entity.fields[0]?.key ?? 'name';
  const list: View = { key, type: 'list', entity: entity.key, label, columns: [{ field: first }] };
  return type === 'list' ? list : switchType(list, type, entity);
}
