import type { Entity } from '@metacrm/metadata';
import { Alert, Form, Input, Modal, Segmented, type ButtonProps } from 'antd';
import { useState } from 'react';
import { navigate, toApiError, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { useRefreshMeta } from '../api/queries';
import { href } from '../common/href';
import { KEY_PATTERN, suggestKey } from '../common/keys';
import { newView, switchType, VIEW_TYPES, type ViewType } from './view-model';
import { viewMessages } from './views.messages';

/** Names the new view in both languages, suggests its key, picks its type, creates it in the draft and opens it. */
export function NewViewDialog({ entity, taken, onClose }: { entity: Entity; taken: ReadonlySet<string>; onClose: () => void }) {
  const t = useT(viewMessages);
  const refresh = useRefreshMeta();
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [key, setKey] = useState<string>();
  const [type, setType] = useState<ViewType>('list');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const shownKey = key ?? suggestKey(en ? `${entity.key} ${en}` : '', new Set(taken), `${entity.key}_view`);
  const keyProblem = !KEY_PATTERN.test(shownKey) ? t('new.badKey') : taken.has(shownKey) ? t('new.taken') : undefined;
  const ready = zh.trim() !== '' && en.trim() !== '' && !keyProblem;
  const probe = newView(entity, 'probe', { 'zh-CN': 'x', en: 'x' }, 'list')!;

  const create = async () => {
    const view = ready ? newView(entity, shownKey, { 'zh-CN': zh.trim(), en: en.trim() }, type) : undefined;
    if (!view) return;
    setBusy(true);
    setError(undefined);
    try {
      await metaApi.putDraftItem('views', shownKey, view);
      await refresh();
      onClose();
      navigate(href(`/entities/${entity.key}/views/${shownKey}`));
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
      okButtonProps={{ disabled: !ready, 'data-testid': 'new-view-create' } as ButtonProps}
      destroyOnHidden
    >
      <Form layout="vertical" onFinish={() => void create()}>
        <div className="dz-pair">
          <Form.Item label={t('new.labelZh')} required htmlFor="new-view-zh">
            <Input id="new-view-zh" value={zh} onChange={(e) => setZh(e.target.value)} autoFocus data-testid="new-view-zh" />
          </Form.Item>
          <Form.Item label={t('new.labelEn')} required htmlFor="new-view-en">
            <Input id="new-view-en" value={en} onChange={(e) => setEn(e.target.value)} data-testid="new-view-en" />
          </Form.Item>
        </div>
        <Form.Item
          label={t('new.key')}
          help={keyProblem ?? t('new.keyHelp')}
          validateStatus={keyProblem && (key !== undefined || en) ? 'error' : undefined}
          htmlFor="new-view-key"
        >
          <Input
            id="new-view-key"
            value={shownKey}
            onChange={(e) => setKey(e.target.value)}
            className="dz-mono"
            data-testid="new-view-key"
          />
        </Form.Item>
        <Form.Item label={t('settings.type')}>
          <Segmented<ViewType>
            aria-label={t('settings.type')}
            value={type}
            onChange={setType}
            options={VIEW_TYPES.map((v) => ({ value: v, label: t(`type.${v}`), disabled: switchType(probe, v, entity) === undefined }))}
            data-testid="new-view-type"
          />
        </Form.Item>
      </Form>
      {error && <Alert type="error" message={error} showIcon />}
    </Modal>
  );
}
