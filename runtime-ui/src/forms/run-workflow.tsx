import Form from '@rjsf/antd';
import type { RJSFSchema } from '@rjsf/utils';
import { App, Button, Modal } from 'antd';
import { useMemo, useState } from 'react';
import { api, defineMessages, toApiError, useLocale, useT, label } from '@metacrm/ui-kit';
import { CspSafeValidator } from '@metacrm/ui-kit';
import { type UserAction } from '@metacrm/metadata';

const messages = defineMessages(
  { run: 'Run', runOn: 'Run on {n} records', started: 'Started on {n} records' },
  { run: '运行', runOn: '对 {n} 条记录运行', started: '已对 {n} 条记录启动' },
);

export interface RunWorkflowProps {
  action: UserAction;
  /** The records it runs on: a list's selection, or the one record of a record page. */
  records: string[];
  onClose: (ran: boolean) => void;
}

/**
 * Starts a manual workflow on records (`POST /api/workflows/{key}/trigger`), asking its
 * input through a form generated from the workflow's input schema when it has one.
 */
export function RunWorkflow({ action, records, onClose }: RunWorkflowProps) {
  const t = useT(messages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [input, setInput] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const validator = useMemo(() => new CspSafeValidator(locale), [locale]);
  const start = async (values: Record<string, unknown>) => {
    setBusy(true);
    try {
      await api.post(`/api/workflows/${encodeURIComponent(action.key)}/trigger`, {
        records,
        ...(action.inputSchema ? { input: values } : {}),
      });
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
        <Form
          schema={action.inputSchema as RJSFSchema}
          formData={input}
          validator={validator}
          showErrorList={false}
          noHtml5Validate
          onError={() => undefined}
          onChange={(e) => setInput(e.formData as Record<string, unknown>)}
          onSubmit={(e) => void start(e.formData as Record<string, unknown>)}
        >
          <Button type="primary" htmlType="submit" loading={busy} data-testid="run-start">
            {t('run')}
          </Button>
        </Form>
      ) : (
        <Button type="primary" loading={busy} onClick={() => void start({})} data-testid="run-start">
          {t('runOn', { n: records.length })}
        </Button>
      )}
    </Modal>
  );
}
