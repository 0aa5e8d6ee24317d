import { useQueryClient } from '@tanstack/react-query';
import { App, Form, Modal } from 'antd';
import { useState } from 'react';
import { api, problemText, toApiError, useLocale, useT, type ApiError, type ApiRecord, UserPicker } from '@metacrm/ui-kit';
import { recordMessages } from './record.messages';
import { recordKey } from './use-record';

/**
 * Gives the record to another user (`POST /api/records/{entity}/{id}/owner`); the server's
 * problem on `/ownerId` (no such active user) shows on the picker.
 */
export function OwnerDialog({ entity, record, onClose }: { entity: string; record: ApiRecord; onClose: () => void }) {
  const t = useT(recordMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [owner, setOwner] = useState<string | undefined>(typeof record._ownerId === 'string' ? record._ownerId : undefined);
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const saved = await api.post<ApiRecord>(`/api/records/${encodeURIComponent(entity)}/${encodeURIComponent(record.id)}/owner`, {
        ownerId: owner,
      });
      client.setQueryData(recordKey(entity, saved.id), saved);
      void client.invalidateQueries({ queryKey: ['records', entity] });
      void message.success(t('ownerChanged'));
      onClose();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('changeOwner')}
      okText={t('confirm')}
      onOk={() => void save()}
      okButtonProps={{ loading: busy, disabled: !owner, 'data-testid': 'owner-save' } as never}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('newOwner')}
          htmlFor="mc-new-owner"
          validateStatus={error ? 'error' : undefined}
          help={error ? `${error.code}: ${problemText(error, locale, { first: true })}` : undefined}
        >
          <UserPicker id="mc-new-owner" value={owner} onChange={setOwner} invalid={error !== undefined} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
