import type { Bundle, Workflow } from '@metacrm/metadata';
import { Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { navigate, toApiError, useLocale, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { useRefreshMeta } from '../api/queries';
import { href } from '../common/href';
import { KEY_PATTERN, suggestKey } from '../common/keys';
import { labelOf } from '../common/labels';
import { usePalette } from './workflow-api';
import { workflowMessages } from './workflow.messages';
import './workflow.css';

/**
 * "New workflow": names in both languages, the key (suggested from the English name),
 * the entity and how it starts; creates it in the draft with no steps yet and opens its
 * canvas.
 */
export function NewWorkflowDialog({ bundle, onClose }: { bundle: Bundle; onClose: () => void }) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const refresh = useRefreshMeta({ draftOnly: true });
  const palette = usePalette();
  const taken = new Set(bundle.workflows.map((w) => w.key));
  const [zh, setZh] = useState('');
  const [en, setEn] = useState('');
  const [key, setKey] = useState('');
  const [keyTyped, setKeyTyped] = useState(false);
  const [entity, setEntity] = useState<string | undefined>(bundle.entities[0]?.key);
  const [trigger, setTrigger] = useState('record_created');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const keyProblem = key === '' ? undefined : !KEY_PATTERN.test(key) ? 'a-z, 0-9, _' : taken.has(key) ? t('new.taken') : undefined;
  const ready = zh.trim() !== '' && en.trim() !== '' && key !== '' && !keyProblem;

  const create = async () => {
    setSaving(true);
    try {
      const workflow: Workflow = {
        key,
        label: { 'zh-CN': zh.trim(), en: en.trim() },
        ...(entity ? { entity } : {}),
        trigger: { type: trigger },
        steps: [],
      };
      await metaApi.putDraftItem('workflows', key, workflow);
      await refresh();
      onClose();
      navigate(href(`/workflows/${key}`));
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={t('new.title')}
      onCancel={onClose}
      onOk={() => void create()}
      okText={t('new.create')}
      cancelText={t('new.cancel')}
      okButtonProps={{ disabled: !ready, loading: saving, ...{ 'data-testid': 'new-workflow-create' } }}
      data-testid="new-workflow-dialog"
    >
      <Form layout="vertical" component="div">
        <div className="dz-pair">
          <Form.Item label={t('new.labelZh')} htmlFor="new-wf-zh" required>
            <Input id="new-wf-zh" value={zh} onChange={(e) => setZh(e.target.value)} autoFocus />
          </Form.Item>
          <Form.Item label={t('new.labelEn')} htmlFor="new-wf-en" required>
            <Input
              id="new-wf-en"
              value={en}
              onChange={(e) => {
                setEn(e.target.value);
                if (!keyTyped) setKey(suggestKey(e.target.value, taken, 'workflow'));
              }}
            />
          </Form.Item>
        </div>
        <Form.Item
          label={t('new.key')}
          htmlFor="new-wf-key"
          help={keyProblem ?? t('new.keyHelp')}
          validateStatus={keyProblem ? 'error' : undefined}
        >
          <Input
            id="new-wf-key"
            className="dz-mono"
            value={key}
            onChange={(e) => {
              setKey(e.target.value);
              setKeyTyped(true);
            }}
          />
        </Form.Item>
        <div className="dz-pair">
          <Form.Item label={t('new.entity')} htmlFor="new-wf-entity">
            <Select
              id="new-wf-entity"
              allowClear
              value={entity}
              onChange={(v?: string) => setEntity(v)}
              options={bundle.entities.map((e) => ({ value: e.key, label: `${labelOf(e.label, locale, e.key)} (${e.key})` }))}
            />
          </Form.Item>
          <Form.Item label={t('new.trigger')} htmlFor="new-wf-trigger">
            <Select
              id="new-wf-trigger"
              value={trigger}
              onChange={(v: string) => setTrigger(v)}
              options={(
                palette.data?.triggers ?? [{ type: 'record_created', label: { 'zh-CN': '记录创建时', en: 'When a record is created' } }]
              ).map((tr) => ({ value: tr.type, label: labelOf(tr.label, locale, tr.type) }))}
            />
          </Form.Item>
        </div>
        {error && (
          <p className="ant-form-item-explain-error" role="alert">
            {error}
          </p>
        )}
      </Form>
    </Modal>
  );
}
