import Form from '@rjsf/antd';
import type { RJSFSchema } from '@rjsf/utils';
import { DeleteOutlined, DownloadOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Dropdown, Modal, Space } from 'antd';
import { useMemo, useState } from 'react';
import { CspSafeValidator } from '@metacrm/ui-kit';
import { api, toApiError, useLocale, useT } from '@metacrm/ui-kit';
import { label, type RuntimeMeta, type UserAction, type UserEntity } from '../meta/meta';
import { listMessages } from './list.messages';

export interface BulkBarProps {
  meta: RuntimeMeta;
  entity: UserEntity;
  selected: string[];
  /** The list's query string for an export of what is on screen (filter, sort, search). */
  exportQuery: string;
  onDone: () => void;
}

/**
 * Actions on the selected rows: run a manual workflow of the entity (asking its input
 * through a form generated from its input schema), delete (bulk API, one result per
 * record), and export of the view as the user sees it.
 */
export function BulkBar({ meta, entity, selected, exportQuery, onDone }: BulkBarProps) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const [running, setRunning] = useState<UserAction | undefined>();
  const actions = meta.actions.filter((a) => a.entity === entity.key);

  const remove = () =>
    modal.confirm({
      title: t('deleteConfirm', { n: selected.length }),
      okButtonProps: { danger: true },
      okText: t('delete'),
      onOk: async () => {
        const answer = await api.post<{ results: { ok?: boolean; status?: number; error?: { code: string; message: string } }[] }>(`/api/records/${entity.key}/bulk`, { operations: selected.map((id) => ({ op: 'delete', id })) });
        const failed = answer.results.filter((r) => r.error);
        if (failed.length > 0) void message.error(`${failed[0]!.error!.code}: ${failed[0]!.error!.message}`);
        else void message.success(t('deleted', { n: selected.length }));
        void client.invalidateQueries({ queryKey: ['records', entity.key] });
        onDone();
      },
    });

  return (
    <div className="mc-bulk-bar" role="region" aria-label={t('selected', { n: selected.length })} data-testid="bulk-bar">
      <span>{t('selected', { n: selected.length })}</span>
      <Space wrap>
        {actions.length > 0 && (
          <Dropdown menu={{ items: actions.map((a) => ({ key: a.key, label: label(a.label, locale, a.key) })), onClick: ({ key }) => setRunning(actions.find((a) => a.key === key)) }}>
            <Button icon={<ThunderboltOutlined />} data-testid="bulk-run">{t('run')}</Button>
          </Dropdown>
        )}
        {entity.rights.export && (
          <Button icon={<DownloadOutlined />} href={`/api/records/${entity.key}/export?format=csv&lang=${locale}&${exportQuery}`} download>
            {t('export')}
          </Button>
        )}
        {entity.rights.delete && (
          <Button danger icon={<DeleteOutlined />} onClick={remove} data-testid="bulk-delete">
            {t('delete')}
          </Button>
        )}
      </Space>
      {running && <RunWorkflow action={running} records={selected} onClose={(ran) => { setRunning(undefined); if (ran) onDone(); }} />}
    </div>
  );
}

/** Starts a manual workflow on the selection, with its input asked through RJSF when it has an input schema. */
function RunWorkflow({ action, records, onClose }: { action: UserAction; records: string[]; onClose: (ran: boolean) => void }) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [input, setInput] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const validator = useMemo(() => new CspSafeValidator(locale), [locale]);
  const start = async (values: Record<string, unknown>) => {
    setBusy(true);
    try {
      await api.post(`/api/workflows/${encodeURIComponent(action.key)}/trigger`, { records, ...(action.inputSchema ? { input: values } : {}) });
      void message.success(t('started', { n: records.length }));
      onClose(true);
    } catch (err) {
      const error = toApiError(err);
      void message.error(`${error.code}: ${error.message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={label(action.label, locale, action.key)} onCancel={() => onClose(false)} footer={null} destroyOnHidden>
      {action.inputSchema ? (
        <Form schema={action.inputSchema as RJSFSchema} formData={input} validator={validator} showErrorList={false} noHtml5Validate onError={() => undefined} onChange={(e) => setInput(e.formData as Record<string, unknown>)} onSubmit={(e) => void start(e.formData as Record<string, unknown>)}>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="run-start">{t('run')}</Button>
        </Form>
      ) : (
        <Button type="primary" loading={busy} onClick={() => void start({})} data-testid="run-start">{t('runOn', { n: records.length })}</Button>
      )}
    </Modal>
  );
}
