import { diffBundles, type BundleDiff, type ItemKind } from '@metacrm/metadata';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { metaApi } from './meta-api';

/** Query keys of the metadata API, so a save can refresh exactly what it changed. */
export const metaKeys = {
  current: ['meta', 'current'] as const,
  draft: ['meta', 'draft'] as const,
  versions: ['meta', 'versions'] as const,
  validation: ['meta', 'validation'] as const,
};

export const useCurrent = () => useQuery({ queryKey: metaKeys.current, queryFn: metaApi.current });
export const useDraft = () => useQuery({ queryKey: metaKeys.draft, queryFn: metaApi.draft });
export const useVersions = () => useQuery({ queryKey: metaKeys.versions, queryFn: metaApi.versions });
/** The draft's problems; validation runs on the server, the one judge of a publish. */
export const useValidation = () =>
  useQuery({ queryKey: metaKeys.validation, queryFn: metaApi.validate, staleTime: 0, refetchOnMount: 'always' });

/**
 * After a publish or a rollback everything derived from the draft or versions is stale;
 * after a draft save (`draftOnly`), only the draft (its markers), so that typing does
 * not revalidate the whole bundle on every pause. Validation is refetched when shown.
 */
export function useRefreshMeta(options: { draftOnly?: boolean } = {}): () => Promise<void> {
  const client = useQueryClient();
  const { draftOnly = false } = options;
  return useCallback(async () => {
    await client.invalidateQueries({ queryKey: draftOnly ? metaKeys.draft : ['meta'] });
  }, [client, draftOnly]);
}

/** Unpublished changes: the draft against the version it will replace, per item. */
export interface DraftChanges {
  diff: BundleDiff;
  /** `added` | `changed` | `removed` per `kind/key`, for the draft markers. */
  marker: (kind: ItemKind, key: string) => 'added' | 'changed' | 'removed' | undefined;
  perKind: Record<ItemKind, number>;
}

/** The draft's unpublished changes, once both the draft and the current version are loaded. */
export function useDraftChanges(): DraftChanges | undefined {
  const current = useCurrent();
  const draft = useDraft();
  return useMemo(() => {
    if (!current.data || !draft.data) return undefined;
    const diff = diffBundles(current.data.bundle, draft.data.bundle);
    const markers = new Map(diff.changes.map((c) => [`${c.kind}/${c.key}`, c.change]));
    const perKind = {} as Record<ItemKind, number>;
    for (const change of diff.changes) perKind[change.kind] = (perKind[change.kind] ?? 0) + 1;
    return { diff, perKind, marker: (kind, key) => markers.get(`${kind}/${key}`) };
  }, [current.data, draft.data]);
}
