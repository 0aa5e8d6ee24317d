import { DeleteOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Empty, Form, List, Modal, Segmented, Skeleton } from 'antd';
import { useState } from 'react';
import { api, ErrorState, problemText, toApiError, useLocale, useT, type ApiError, UserPicker } from '@metacrm/ui-kit';
import { recordMessages } from './record.messages';

interface Share {
  id: string;
  principal: { type: 'user' | 'department'; id: string };
  access: 'read' | 'write';
}

interface UserRow {
  id: string;
  name: string;
}

/**
 * Who the record is shared with (`GET …/shares`), sharing it with one more user, read-only
 * or read-write (`POST …/shares`; sharing again replaces the earlier share), and ending a
 * share (`DELETE …/shares/{id}`).
 */
export function ShareDialog({ entity, id, onClose }: { entity: string; id: string; onClose: () => void }) {
  const t = useT(recordMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const base = `/api/records/${encodeURIComponent(entity)}/${encodeURIComponent(id)}/shares`;
  const shares = useQuery({
    queryKey: ['shares', entity, id],
    queryFn: async ({ signal }) => await api.get<{ shares: Share[] }>(base, { signal }),
  });
  // Names from the user directory when the user may read it; else the id's end.
  const users = useQuery({
    queryKey: ['users', ''],
    retry: false,
    queryFn: async ({ signal }) => await api.get<{ users: UserRow[] }>('/api/users?limit=20', { signal }),
  });
  const who = (share: Share) => users.data?.users.find((u) => u.id === share.principal.id)?.name ?? `#${share.principal.id.slice(-6)}`;
  const [user, setUser] = useState<string | undefined>();
  const [access, setAccess] = useState<'read' | 'write'>('read');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);

  const add = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(base, { principal: { type: 'user', id: user }, access });
      void message.success(t('shared'));
      setUser(undefined);
      await shares.refetch();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (share: Share) => {
    try {
      await api.request(`${base}/${encodeURIComponent(share.id)}`, { method: 'DELETE' });
      await shares.refetch();
    } catch (err) {
      const e = toApiError(err);
      void message.error(`${e.code}: ${e.message}`);
    }
  };

  return (
    <Modal open title={t('shareTitle')} footer={null} onCancel={onClose} destroyOnHidden data-testid="share-dialog">
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('shareUser')}
          htmlFor="mc-share-user"
          validateStatus={error ? 'error' : undefined}
          help={error ? `${error.code}: ${problemText(error, locale, { first: true })}` : undefined}
        >
          <UserPicker id="mc-share-user" value={user} onChange={setUser} invalid={error !== undefined} />
        </Form.Item>
        <Form.Item label={t('shareAccess')}>
          <Segmented<'read' | 'write'>
            value={access}
            onChange={setAccess}
            options={[
              { value: 'read', label: t('accessRead') },
              { value: 'write', label: t('accessWrite') },
            ]}
          />
        </Form.Item>
        <Button type="primary" disabled={!user} loading={busy} onClick={() => void add()} data-testid="share-add">
          {t('shareAdd')}
        </Button>
      </Form>
      <h3 className="mc-share-list-title">{t('sharedWith')}</h3>
      {shares.error ? (
        <ErrorState title={t('loadFailed')} error={toApiError(shares.error)} onRetry={() => void shares.refetch()} />
      ) : !shares.data ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : shares.data.shares.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notShared')} />
      ) : (
        <List
          size="small"
          dataSource={shares.data.shares}
          data-testid="share-list"
          renderItem={(share) => (
            <List.Item
              actions={[
                <Button
                  key="remove"
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t('unshare', { who: who(share) })}
                  onClick={() => void remove(share)}
                />,
              ]}
            >
              {who(share)} · {share.access === 'write' ? t('accessWrite') : t('accessRead')}
            </List.Item>
          )}
        />
      )}
    </Modal>
  );
}
