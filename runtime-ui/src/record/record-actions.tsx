import { CheckOutlined, CloseOutlined, ShareAltOutlined, ThunderboltOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Dropdown, Input, Space } from 'antd';
import { useState } from 'react';
import { RunWorkflow } from '../forms/run-workflow';
import { api, toApiError, useLocale, useT, type ApiRecord, label, type RuntimeMeta } from '@metacrm/ui-kit';
import { OwnerDialog } from './owner-dialog';
import { recordMessages } from './record.messages';
import { ShareDialog } from './share-dialog';
import { type UserAction, type UserEntity } from '@metacrm/metadata';

/** A pending approval as `GET /api/approvals` lists it (the inbox reads the same query). */
interface PendingApproval {
  id: string;
  title: string;
  entity?: string;
  recordId?: string;
}

export const APPROVALS_QUERY_KEY = ['approvals'] as const;

/** The signed-in user's pending approvals; the record page and the inbox share the query. */
export function usePendingApprovals() {
  return useQuery({
    queryKey: APPROVALS_QUERY_KEY,
    queryFn: async ({ signal }) => await api.get<{ approvals: PendingApproval[] }>('/api/approvals', { signal }),
  });
}

/**
 * What the user may do with the record, each offered only when their roles allow it
 * (the server checks again): the entity's manual workflows, approve or reject an
 * approval waiting for them on this record, share (its owner, or anyone who may share
 * any), change owner (the `changeOwner` right).
 */
export function RecordActions({ meta, entity, record }: { meta: RuntimeMeta; entity: UserEntity; record: ApiRecord }) {
  const t = useT(recordMessages);
  const { locale } = useLocale();
  const [running, setRunning] = useState<UserAction | undefined>();
  const [dialog, setDialog] = useState<'share' | 'owner' | undefined>();
  const workflows = meta.actions.filter((a) => a.entity === entity.key);
  const mayShare = entity.rights.shareAny || record._ownerId === meta.user.id;
  return (
    <div className="mc-record-actions" role="toolbar" aria-label={t('actions')}>
      <PendingApprovalBar record={record} entity={entity.key} />
      <Space wrap>
        {workflows.length > 0 && (
          <Dropdown
            menu={{
              items: workflows.map((a) => ({ key: a.key, label: label(a.label, locale, a.key) })),
              onClick: ({ key }) => setRunning(workflows.find((a) => a.key === key)),
            }}
          >
            <Button icon={<ThunderboltOutlined />} data-testid="header-run">
              {t('runWorkflow')}
            </Button>
          </Dropdown>
        )}
        {mayShare && (
          <Button icon={<ShareAltOutlined />} onClick={() => setDialog('share')} data-testid="header-share">
            {t('share')}
          </Button>
        )}
        {entity.rights.changeOwner && (
          <Button icon={<UserSwitchOutlined />} onClick={() => setDialog('owner')} data-testid="header-owner">
            {t('changeOwner')}
          </Button>
        )}
      </Space>
      {running && <RunWorkflow action={running} records={[record.id]} onClose={() => setRunning(undefined)} />}
      {dialog === 'share' && <ShareDialog entity={entity.key} id={record.id} onClose={() => setDialog(undefined)} />}
      {dialog === 'owner' && <OwnerDialog entity={entity.key} record={record} onClose={() => setDialog(undefined)} />}
    </div>
  );
}

/** Approve or reject, with an optional comment, when an approval on this record waits for the user. */
function PendingApprovalBar({ entity, record }: { entity: string; record: ApiRecord }) {
  const t = useT(recordMessages);
  const { message } = App.useApp();
  const client = useQueryClient();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const pending = usePendingApprovals().data?.approvals.find((a) => a.entity === entity && a.recordId === record.id);
  if (!pending) return null;
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    try {
      await api.post(`/api/approvals/${encodeURIComponent(pending.id)}/${decision}`, comment ? { comment } : {});
      void message.success(decision === 'approve' ? t('approved') : t('rejected'));
    } catch (err) {
      const error = toApiError(err);
      void message.error(`${error.code}: ${error.message}`);
    } finally {
      setBusy(false);
      void client.invalidateQueries({ queryKey: APPROVALS_QUERY_KEY });
    }
  };
  return (
    <div className="mc-record-approval" data-testid="record-approval">
      <span>{t('pendingApproval', { title: pending.title })}</span>
      <Space wrap>
        <Input
          aria-label={t('approvalComment')}
          placeholder={t('approvalComment')}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
        <Button type="primary" icon={<CheckOutlined />} loading={busy} onClick={() => void decide('approve')} data-testid="header-approve">
          {t('approve')}
        </Button>
        <Button danger icon={<CloseOutlined />} loading={busy} onClick={() => void decide('reject')} data-testid="header-reject">
          {t('reject')}
        </Button>
      </Space>
    </div>
  );
}
