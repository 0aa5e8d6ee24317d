import { useQuery } from '@tanstack/react-query';
import { Alert, Checkbox, Modal, Skeleton, Typography, type ButtonProps } from 'antd';
import { useState } from 'react';
import { ErrorState, toApiError, useT, type ApiError } from '@metacrm/ui-kit';
import { metaApi, type PublishResult } from '../api/meta-api';
import { DiffView } from '../publish/diff-view';
import { MigrationPreview } from '../publish/migration-preview';
import { publishMessages } from '../publish/publish.messages';
import { versionMessages } from './versions.messages';

/** Rolls back to `version` after showing the server's dry run: the diff and the migration preview, with the accept-the-loss choice when values would go. */
export function RollbackDialog({
  version,
  onDone,
  onClose,
}: {
  version: number;
  onDone: (result: PublishResult) => void;
  onClose: () => void;
}) {
  const t = useT(versionMessages);
  const tp = useT(publishMessages);
  const preview = useQuery({
    queryKey: ['rollback-preview', version],
    queryFn: () => metaApi.rollback(version, { dryRun: true }),
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
  const [accept, setAccept] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError>();
  const blocking = preview.data?.migrations.some((m) => m.preview.blocking) ?? false;
  const go = async () => {
    setBusy(true);
    try {
      onDone(await metaApi.rollback(version, { dryRun: false, acceptDataLoss: accept }));
    } catch (err) {
      setFailure(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      width={880}
      title={t('rollbackTitle', { version })}
      okText={t('rollbackGo')}
      cancelText={t('cancel')}
      onOk={() => void go()}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ danger: true, disabled: !preview.data || (blocking && !accept), 'data-testid': 'rollback-go' } as ButtonProps}
    >
      <Typography.Paragraph>{t('rollbackHint')}</Typography.Paragraph>
      {preview.isPending && <Skeleton active />}
      {preview.error && <ErrorState compact title={tp('publish.loadFailed')} error={toApiError(preview.error)} />}
      {failure && <ErrorState compact title={tp('publish.failed')} error={failure} />}
      {preview.data && (
        <>
          <DiffView diff={preview.data.diff} testId="rollback-diff" />
          <h3 className="mc-section-title">{tp('publish.migrations')}</h3>
          <MigrationPreview migrations={preview.data.migrations} />
          {blocking && (
            <Alert
              type="warning"
              showIcon
              message={tp('publish.acceptHint')}
              description={
                <Checkbox checked={accept} onChange={(e) => setAccept(e.target.checked)} data-testid="rollback-accept">
                  {tp('publish.accept')}
                </Checkbox>
              }
            />
          )}
        </>
      )}
    </Modal>
  );
}
