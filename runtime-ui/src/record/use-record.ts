import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRecord } from '@metacrm/ui-kit';

export const recordKey = (entity: string, id: string) => ['record', entity, id] as const;

/** One record, from the cache at once when a list or a search already had it. */
export function useRecord(entity: string, id: string | undefined) {
  return useQuery({
    queryKey: recordKey(entity, id ?? ''),
    enabled: id !== undefined,
    queryFn: async ({ signal }) =>
      await api.get<ApiRecord>(`/api/records/${encodeURIComponent(entity)}/${encodeURIComponent(id!)}`, { signal }),
  });
}

/** Saves through the records API: create (POST) or change (PATCH with the version). */
export function useSaveRecord(entity: string) {
  const client = useQueryClient();
  const base = `/api/records/${encodeURIComponent(entity)}`;
  return async (id: string | undefined, values: Record<string, unknown>, version: number | undefined): Promise<ApiRecord> => {
    const saved =
      id === undefined
        ? await api.post<ApiRecord>(base, values)
        : await api.request<ApiRecord>(`${base}/${encodeURIComponent(id)}`, {
            method: 'PATCH',
            body: { ...values, ...(version === undefined ? {} : { _version: version }) },
          });
    client.setQueryData(recordKey(entity, saved.id), saved);
    void client.invalidateQueries({ queryKey: ['records', entity] });
    return saved;
  };
}
