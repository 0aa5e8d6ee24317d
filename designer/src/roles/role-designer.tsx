import type { Role } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { Skeleton } from 'antd';
import { EmptyState, ErrorState, toApiError, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { RoleWorkbench } from './role-workbench';
import { rolesMessages } from './roles.messages';

/**
 * The roles editor at `/designer/roles/<key>`: loads the draft role with its revision,
 * then hands it to the workbench, which owns it from then on (autosave, undo).
 */
export function RoleDesigner({ roleKey }: { roleKey: string }) {
  const t = useT(rolesMessages);
  const item = useQuery({
    queryKey: ['role-item', roleKey],
    queryFn: () => metaApi.draftItem<Role>('roles', roleKey),
    staleTime: Infinity,
    gcTime: 0,
  });
  if (item.error) {
    const error = toApiError(item.error);
    if (error.code === 'METADATA_ITEM_NOT_FOUND') return <EmptyState title={t('notFound', { key: roleKey })} />;
    return <ErrorState title={t('loadFailed')} error={error} onRetry={() => void item.refetch()} />;
  }
  if (!item.data) return <Skeleton active />;
  return <RoleWorkbench initial={{ item: item.data.item, rev: item.data.rev }} />;
}
