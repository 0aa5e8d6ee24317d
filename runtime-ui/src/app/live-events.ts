import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { type ApiRecord, META_QUERY_KEY } from '@metacrm/ui-kit';

/** `event: record` of `GET /api/events`: the record as this user may see it now (none for a delete). */
interface RecordEvent {
  type: string;
  entity: string;
  recordId: string;
  version: number;
  record?: ApiRecord;
}

/**
 * Keeps the screen live: the server pushes each committed record change this user may
 * read (server-sent events, already filtered by their access). A changed record goes
 * straight into the cache (an open record updates in place); lists and related lists
 * of its entity, and dashboard widgets over it, refetch in the background, keeping their rows until the answer comes.
 * A publish refetches the metadata; a `reset` (too far behind) refetches everything.
 * EventSource reconnects on its own and sends Last-Event-ID, so nothing is missed.
 */
export function useLiveEvents(enabled: boolean): void {
  const client = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/events');
    source.addEventListener('record', (event) => applyRecordEvent(client, JSON.parse((event as MessageEvent<string>).data) as RecordEvent));
    source.addEventListener('metadata', () => void client.invalidateQueries({ queryKey: META_QUERY_KEY }));
    source.addEventListener('reset', () => void client.invalidateQueries());
    return () => source.close();
  }, [client, enabled]);
}

function applyRecordEvent(client: QueryClient, event: RecordEvent): void {
  const key = ['record', event.entity, event.recordId];
  if (event.record) {
    const current = client.getQueryData<ApiRecord>(key);
    // An older event (replayed after a reconnect) never overwrites a newer record.
    if (!current || current._version <= event.record._version) client.setQueryData(key, event.record);
  } else {
    client.removeQueries({ queryKey: key });
  }
  void client.invalidateQueries({ queryKey: ['records', event.entity] });
  // Dashboard widgets over the entity recount in the background, keeping their figures meanwhile.
  void client.invalidateQueries({ queryKey: ['aggregate', event.entity] });
  void client.invalidateQueries({ queryKey: ['history', event.entity, event.recordId] });
}
