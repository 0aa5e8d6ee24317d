import type { Entity, View } from '@metacrm/metadata';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, type ApiRecord } from '@metacrm/ui-kit';

export interface ListQuery {
  entity: string;
  /** False: nothing is fetched (the page shows another kind of view). */
  enabled?: boolean;
  filter?: unknown;
  sort?: string | undefined;
  q?: string | undefined;
  page: number;
  pageSize: number;
  expand?: string[];
}

export interface ListAnswer {
  records: ApiRecord[];
  nextCursor: string | null;
  total?: number;
}

/** The query string of a list request (the records API's own parameters). */
export function listSearch(query: Omit<ListQuery, 'entity' | 'enabled'>): string {
  const params = new URLSearchParams({
    limit: String(query.pageSize),
    page: String(query.page),
    count: 'true',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  if (query.filter) params.set('filter', JSON.stringify(query.filter));
  if (query.sort) params.set('sort', query.sort);
  if (query.q) params.set('q', query.q);
  if (query.expand?.length) params.set('expand', query.expand.join(','));
  return params.toString();
}

/** One page of records; the last page stays on screen while the next one loads. */
export function useRecords(query: ListQuery) {
  return useQuery({
    queryKey: ['records', query.entity, query],
    enabled: query.enabled !== false,
    queryFn: async ({ signal }) =>
      await api.get<ListAnswer>(`/api/records/${encodeURIComponent(query.entity)}?${listSearch(query)}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** A view's filter and the user's combined: both must hold. */
export function combineFilters(view: View | undefined, user: unknown): unknown {
  const parts = [view?.filter, user].filter((p) => p !== undefined);
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { and: parts };
}

/** The columns a list shows: the view's, else the entity's first fields. */
export function columnsOf(entity: Entity, view: View | undefined): string[] {
  const columns = view && 'columns' in view ? (view.columns as { field: string }[]).map((c) => c.field) : [];
  return columns.length > 0 ? columns : entity.fields.slice(0, 6).map((f) => f.key);
}

/** The lookup columns whose display values the list asks the server to include. */
export function expandable(entity: Entity, columns: string[]): string[] {
  return columns.filter((key) => {
    const field = entity.fields.find((f) => f.key === key) as { target?: string } | undefined;
    return typeof field?.target === 'string';
  });
}
