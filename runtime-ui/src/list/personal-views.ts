import type { View } from '@metacrm/metadata';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api } from '@metacrm/ui-kit';

/** A view the user saved for themselves (`/api/me/views`); `view.key` is `p_<id>`. */
export interface PersonalView {
  id: string;
  entity: string;
  view: View;
  _version: number;
}

/** One column as the user arranged it (`/api/me/views/{view}/columns`). */
export interface ColumnPref {
  field: string;
  width?: number;
}

const viewsKey = (entity: string) => ['personal-views', entity] as const;
const columnsKey = (view: string) => ['column-prefs', view] as const;

/** The user's own views of one entity, oldest first. */
export function usePersonalViews(entity: string) {
  return useQuery({
    queryKey: viewsKey(entity),
    queryFn: async ({ signal }) =>
      (await api.get<{ views: PersonalView[] }>(`/api/me/views?entity=${encodeURIComponent(entity)}`, { signal })).views,
    staleTime: 60_000,
  });
}

/** Save, rename (replace) and delete the user's views; each refreshes the entity's list of them. */
export function usePersonalViewActions(entity: string) {
  const client = useQueryClient();
  const refresh = useCallback(() => client.invalidateQueries({ queryKey: viewsKey(entity) }), [client, entity]);
  return {
    create: async (view: Omit<View, 'key'>): Promise<PersonalView> => {
      const saved = await api.post<PersonalView>('/api/me/views', view);
      await refresh();
      return saved;
    },
    replace: async (current: PersonalView, view: View): Promise<PersonalView> => {
      const saved = await api.request<PersonalView>(`/api/me/views/${current.id}`, {
        method: 'PUT',
        body: { ...view, _version: current._version },
      });
      await refresh();
      return saved;
    },
    remove: async (current: PersonalView): Promise<void> => {
      await api.request(`/api/me/views/${current.id}`, { method: 'DELETE' });
      await refresh();
    },
  };
}

/** How the user arranged a view's columns: empty until they do (the view's own apply). */
export function useColumnPrefs(view: string | undefined) {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: columnsKey(view ?? ''),
    enabled: view !== undefined,
    queryFn: async ({ signal }) =>
      (await api.get<{ columns: ColumnPref[] }>(`/api/me/views/${encodeURIComponent(view!)}/columns`, { signal })).columns,
    staleTime: 5 * 60_000,
  });
  const save = useCallback(
    async (columns: ColumnPref[]) => {
      if (view === undefined) return;
      client.setQueryData(columnsKey(view), columns);
      await api.request(`/api/me/views/${encodeURIComponent(view)}/columns`, { method: 'PUT', body: { columns } });
    },
    [client, view],
  );
  const reset = useCallback(async () => {
    if (view === undefined) return;
    await api.request(`/api/me/views/${encodeURIComponent(view)}/columns`, { method: 'DELETE' });
    client.setQueryData(columnsKey(view), []);
  }, [client, view]);
  return { columns: query.data, save, reset };
}

/** `-amount,title` → the view's sort: fields in priority order. */
export function sortOfParam(sort: string | undefined): { field: string; direction: 'asc' | 'desc' }[] | undefined {
  const parts = (sort ?? '').split(',').filter(Boolean);
  return parts.length === 0
    ? undefined
    : parts.map((p) => (p.startsWith('-') ? { field: p.slice(1), direction: 'desc' } : { field: p, direction: 'asc' }));
}
