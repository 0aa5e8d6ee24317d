import type { Bundle, Role } from '@metacrm/metadata';
import { Alert, Form, Input, Modal, type ButtonProps } from 'antd';
import { useState } from 'react';
import { navigate, toApiError, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { useRefreshMeta } from '../api/queries';
import { href } from '../common/href';
import { KEY_PATTERN, suggestKey } from '../common/keys';
import { rolesMessages } from './roles.messages';

/** Creates a role in the draft (names in both languages, no rights yet) and opens it in the roles editor. */
export function NewRoleDialog({ bundle, onClose }: { bundle: Bundle; onClose: () => void }) {
  const t = useT(rolesMessages);
  const refresh = useRefreshMeta();
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [key, setKey] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // `admin` is the built-in role: metadata cannot define it.
  const taken = new Set([...bundle.roles.map((r) => r.key), 'admin']);
  const shownKey = key ?? suggestKey(en, taken, 'role');
  const keyProblem = !KEY_PATTERN.test(shownKey) ? t('new.badKey') : taken.has(shownKey) ? t('new.taken') : undefined;
  const ready = zh.trim() !== '' && en.trim() !== '' && keyProblem === undefined;

  const create = async () => {
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    try {
      const role: Role = { key: shownKey, label: { 'zh-CN': zh.trim(), en: en.trim() }, entities: {} };
      await metaApi.putDraftItem('roles', shownKey, role);
      await refresh();
      onClose();
      navigate(href(`/roles/${shownKey}`));
    } catch (err) {
      setError(`${toApiError(err).code}: ${toApiError(err).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('new.title')}
      okText={t('new.create')}
      cancelText={t('new.cancel')}
      onOk={() => void create()}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: !ready, 'data-testid': 'new-role-create' } as ButtonProps}
      destroyOnHidden
    >
      <Form layout="vertical" onFinish={() => void create()}>
        <div className="dz-pair">
          <Form.Item label={t('labelZh')} required htmlFor="new-role-zh">
            <Input id="new-role-zh" value={zh} onChange={(e) => setZh(e.target.value)} autoFocus data-testid="new-role-zh" />
          </Form.Item>
          <Form.Item label={t('labelEn')} required htmlFor="new-role-en">
            <Input
              id="new-role-en"
              value={en}
              onChange={(e) => setEn(e.target.value)}
              onPressEnter={() => void create()}
              data-testid="new-role-en"
            />
          </Form.Item>
        </div>
        <Form.Item
          label={t('new.key')}
          help={keyProblem ?? t('new.keyHelp')}
          validateStatus={keyProblem && en ? 'error' : undefined}
          htmlFor="new-role-key"
        >
          <Input
            id="new-role-key"
            value={shownKey}
            onChange={(e) => setKey(e.target.value)}
            className="dz-mono"
            data-testid="new-role-key"
          />
        </Form.Item>
      </Form>
      {error && <Alert type="error" message={error} showIcon />}
    </Modal>
  );
}
