import type { View } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { Skeleton } from 'antd';
import { EmptyState, ErrorState, registerBuiltInFieldUis, toApiError, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { useCurrent, useDraft } from '../api/queries';
import { ViewWorkbench } from './view-workbench';
import { viewMessages } from './views.messages';

// The filter builder and the preview draw values with the field types' UI halves.
registerBuiltInFieldUis();

/**
 * The view designer at `/designer/entities/<entity>/views/<view>`: loads the draft view
 * with its revision and the draft entity, then hands them to the workbench.
 */
export function ViewDesigner({ entityKey, viewKey }: { entityKey: string; viewKey: string }) {
  const t = useT(viewMessages);
  const draft = useDraft();
  const current = useCurrent();
  // Loaded once per visit, outside the ['meta'] keys saves refresh: the workbench owns the view from then on.
  const item = useQuery({
    queryKey: ['view-item', viewKey],
    queryFn: () => metaApi.draftItem<View>('views', viewKey),
    staleTime: Infinity,
    gcTime: 0,
  });
  const error = item.error ?? draft.error;
  if (error) {
    const apiError = toApiError(error);
    if (apiError.code === 'METADATA_ITEM_NOT_FOUND') return <EmptyState title={t('notFound', { key: viewKey })} />;
    return <ErrorState title={t('loadFailed')} error={apiError} onRetry={() => void item.refetch()} />;
  }
  if (!item.data || !draft.data || !current.data) return <Skeleton active />;
  const entity = draft.data.bundle.entities.find((e) => e.key === entityKey);
  if (!entity || item.data.item.entity !== entityKey) return <EmptyState title={t('noEntity', { key: entityKey })} />;
  const published = current.data.bundle.entities.some((e) => e.key === entityKey);
  return <ViewWorkbench initial={{ item: item.data.item, rev: item.data.rev }} entity={entity} published={published} />;
}
