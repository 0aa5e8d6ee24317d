import type { Bundle, Entity, Navigation } from '@metacrm/metadata';
import { Alert, Form, Input, Modal, type ButtonProps } from 'antd';
import { useState } from 'react';
import { navigate, toApiError, useT } from '@metacrm/ui-kit';
import { href } from '../common/href';
import { metaApi } from '../api/meta-api';
import { useRefreshMeta } from '../api/queries';
import { KEY_PATTERN, suggestKey } from '../common/keys';
import { designerMessages } from '../designer.messages';

/**
 * Creates an entity in the draft with a first field, `name` (an entity needs a field
 * and a display field), and opens it in the entity designer. When the draft has a
 * navigation, the entity gets an entry in its default one (first group), so that the
 * runtime UI lists it once published; without one, the runtime lists every entity.
 */
export function NewEntityDialog({ open, bundle, onClose }: { open: boolean; bundle: Bundle; onClose: () => void }) {
  const t = useT(designerMessages);
  const refresh = useRefreshMeta();
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [key, setKey] = useState('');
  const [keyTouched, setKeyTouched] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const taken = new Set(bundle.entities.map((e) => e.key));
  const shownKey = keyTouched ? key : suggestKey(en, taken, 'entity');
  const keyProblem = !KEY_PATTERN.test(shownKey) ? t('newEntity.badKey') : taken.has(shownKey) ? t('newEntity.taken') : undefined;

  const create = async () => {
    if (!zh.trim() || !en.trim() || keyProblem) return;
    setBusy(true);
    setError(undefined);
    try {
      const entity = {
        key: shownKey,
        label: { 'zh-CN': zh.trim(), en: en.trim() },
        displayField: 'name',
        fields: [{ key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' }, required: true }],
      } as Entity;
      await metaApi.putDraftItem('entities', shownKey, entity);
      await addToNavigation(bundle, shownKey);
      await refresh();
      onClose();
      navigate(href(`/entities/${shownKey}`));
    } catch (err) {
      setError(`${toApiError(err).code}: ${toApiError(err).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('newEntity.title')}
      okText={t('newEntity.create')}
      cancelText={t('newEntity.cancel')}
      onOk={() => void create()}
      onCancel={onClose}
      confirmLoading={busy}
      okButtonProps={{ disabled: !zh.trim() || !en.trim() || keyProblem !== undefined, 'data-testid': 'new-entity-create' } as ButtonProps}
      destroyOnHidden
    >
      <Form layout="vertical" onFinish={() => void create()}>
        <div className="dz-pair">
          <Form.Item label={t('newEntity.labelZh')} required htmlFor="new-entity-zh">
            <Input id="new-entity-zh" value={zh} onChange={(e) => setZh(e.target.value)} autoFocus data-testid="new-entity-zh" />
          </Form.Item>
          <Form.Item label={t('newEntity.labelEn')} required htmlFor="new-entity-en">
            <Input
              id="new-entity-en"
              value={en}
              onChange={(e) => setEn(e.target.value)}
              data-testid="new-entity-en"
              onPressEnter={() => void create()}
            />
          </Form.Item>
        </div>
        <Form.Item
          label={t('newEntity.key')}
          help={keyProblem ?? t('newEntity.keyHelp')}
          validateStatus={keyProblem && (keyTouched || en) ? 'error' : undefined}
          htmlFor="new-entity-key"
        >
          <Input
            id="new-entity-key"
            value={shownKey}
            onChange={(e) => {
              setKeyTouched(true);
              setKey(e.target.value);
            }}
            className="dz-mono"
            data-testid="new-entity-key"
          />
        </Form.Item>
      </Form>
      {error && <Alert type="error" message={error} showIcon />}
    </Modal>
  );
}

/** Adds an entry for the entity to the first group of the draft's default navigation, if the draft has one. */
async function addToNavigation(bundle: Bundle, entity: string): Promise<void> {
  const navigations = (bundle.navigation ?? []) as Navigation[];
  const nav = navigations.find((n) => n.default) ?? navigations[0];
  if (!nav) return;
  const { rev, item } = await metaApi.draftItem<Navigation>('navigation', nav.key);
  const [first, ...rest] = item.groups;
  if (!first || first.items.some((i) => 'entity' in i && i.entity === entity)) return;
  const taken = new Set(item.groups.flatMap((g) => g.items.map((i) => i.key)));
  const entry = { type: 'entity', key: suggestKey(entity, taken, 'item'), entity } as (typeof first.items)[number];
  await metaApi.putDraftItem('navigation', nav.key, { ...item, groups: [{ ...first, items: [...first.items, entry] }, ...rest] }, rev);
}
