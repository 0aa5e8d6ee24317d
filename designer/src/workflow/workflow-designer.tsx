import type { Workflow } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { Skeleton } from 'antd';
import { EmptyState, ErrorState, toApiError, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { RunHistory } from './run-history';
import { usePalette } from './workflow-api';
import { WorkflowWorkbench } from './workflow-workbench';
import { workflowMessages } from './workflow.messages';
import './workflow.css';

/**
 * The workflow designer at `/designer/workflows/<key>` (and its run history at
 * `.../runs`): loads the draft workflow with its revision and the step palette, then
 * hands them to the workbench. Loaded on demand with the canvas library.
 */
export function WorkflowDesigner({ workflowKey, tab }: { workflowKey: string; tab: 'design' | 'runs' }) {
  const t = useT(workflowMessages);
  // Loaded once per visit, outside the ['meta'] keys that saves refresh: the workbench owns the workflow from then on.
  const item = useQuery({
    queryKey: ['workflow-item', workflowKey],
    queryFn: () => metaApi.draftItem<Workflow>('workflows', workflowKey),
    staleTime: Infinity,
    gcTime: 0,
  });
  const palette = usePalette();
  const error = item.error ?? palette.error;
  if (error) {
    const apiError = toApiError(error);
    if (apiError.code === 'METADATA_ITEM_NOT_FOUND') return <EmptyState title={t('notFound', { key: workflowKey })} />;
    return (
      <ErrorState
        title={t(item.error ? 'loadFailed' : 'paletteFailed')}
        error={apiError}
        onRetry={() => void (item.error ? item.refetch() : palette.refetch())}
      />
    );
  }
  if (!item.data || !palette.data) return <Skeleton active />;
  if (tab === 'runs') return <RunHistory workflow={item.data.item} />;
  return <WorkflowWorkbench initial={{ item: item.data.item, rev: item.data.rev }} palette={palette.data} />;
}
