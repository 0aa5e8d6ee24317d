import { fieldTraits, type AggregateAnswer, type MeasureValue, type UserEntity } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { api, fieldTypes, optionsOf, useDirectoryUsers, type ApiRecord } from '@metacrm/ui-kit';

type Field = UserEntity['fields'][number];

/** The column of records whose group field is empty (a user board's "unassigned"). */
export const NO_VALUE = '__none';

/** One column of a board: the value a card dropped on it gets, and how its header reads. */
export interface KanbanColumn {
  /** The droppable's id: the option key or user id, NO_VALUE for none. */
  key: string;
  value: string | null;
  /** An option's label and color; a user column names its user through the directory. */
  option?: { label: unknown; color?: string | undefined };
  user?: string;
  /** The user's name, once the directory answered (else the id). */
  name?: string;
}

/** Whether the board groups by a user field (a column per user) rather than a select (a column per option). */
export function groupsByUser(group: Field): boolean {
  return fieldTraits(group as never, fieldTypes)?.reference === 'user';
}

/** The column a record sits in. */
export function columnOf(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : NO_VALUE;
}

/**
 * The board's columns. A select: its active options, in their order. A user field: the
 * users that appear on the board or in its totals, by name, then "unassigned".
 */
export function useKanbanColumns(group: Field, records: ApiRecord[], totals: Map<string, unknown> | undefined): KanbanColumn[] {
  const byUser = groupsByUser(group);
  const ids = byUser
    ? [...new Set([...records.map((r) => r[group.key]), ...(totals?.keys() ?? [])].map(columnOf).filter((k) => k !== NO_VALUE))]
    : [];
  const users = useDirectoryUsers(ids);
  if (!byUser)
    return optionsOf(group)
      .filter((o) => o.active !== false)
      .map((o) => ({ key: o.key, value: o.key, option: { label: o.label, color: o.color } }));
  const name = (id: string) => users.get(id)?.name ?? id;
  const sorted = [...ids].sort((a, b) => name(a).localeCompare(name(b)) || a.localeCompare(b));
  return [...sorted.map((id) => ({ key: id, value: id, user: id, name: name(id) })), { key: NO_VALUE, value: null }];
}

export interface ColumnTotal {
  count: number;
  sum?: MeasureValue;
}

/**
 * Each column's count and the sum of the board's numeric card field over every record of
 * the view (the aggregate API), not only the cards the board loaded. Undefined while a
 * search is active: the aggregate API has no free-text search, so the cards count.
 */
export function useKanbanTotals(
  entity: string,
  group: string,
  sumField: string | undefined,
  filter: unknown,
  q: string,
): Map<string, ColumnTotal> | undefined {
  const body = {
    groupBy: [{ field: group }],
    measures: [{ fn: 'count' }, ...(sumField ? [{ fn: 'sum', field: sumField }] : [])],
    limit: 1000,
    ...(filter ? { filter } : {}),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  const answer = useQuery({
    // Under 'aggregate': live record events recount it (app/live-events.ts).
    queryKey: ['aggregate', entity, 'kanban', body],
    enabled: q === '',
    queryFn: async ({ signal }) =>
      await api.post<AggregateAnswer>(`/api/records/${encodeURIComponent(entity)}/aggregate`, body, { signal }),
  });
  if (q !== '' || !answer.data) return undefined;
  return new Map(
    answer.data.groups.map((g) => [
      columnOf(g.keys[0]?.value),
      { count: Number(g.values[0] ?? 0), ...(sumField ? { sum: g.values[1] ?? null } : {}) },
    ]),
  );
}
