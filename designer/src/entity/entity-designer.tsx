import type { Entity } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { Skeleton } from 'antd';
import { EmptyState, ErrorState, toApiError, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { entityMessages } from './entity.messages';
import { EntityWorkbench } from './entity-workbench';

/**
 * The entity designer at `/designer/entities/<key>`: loads the draft entity with its
 * revision, then hands it to the three-pane workbench.
 */
export function EntityDesigner({ entityKey }: { entityKey: string }) {
  const t = useT(entityMessages);
  // Loaded once per visit, outside the ['meta'] keys that saves refresh: the workbench owns
  // the entity from then on (autosave, undo), and a reload is its own choice.
  const item = useQuery({
    queryKey: ['entity-item', entityKey],
    queryFn: () => metaApi.draftItem<Entity>('entities', entityKey),
    staleTime: Infinity,
    gcTime: 0,
    placeholderData: undefined,
  });
  if (item.error) {
    const error = toApiError(item.error);
    if (error.code === 'METADATA_ITEM_NOT_FOUND') return <EmptyState title={t('notFound', { key: entityKey })} />;
    return <ErrorState title={t('loadFailed')} error={error} onRetry={() => void item.refetch()} />;
  }
  if (!item.data) return <Skeleton active />;
  return <EntityWorkbench initial={{ item: item.data.item, rev: item.data.rev }} />;
}
