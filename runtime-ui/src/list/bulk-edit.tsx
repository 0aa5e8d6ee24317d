import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, List, Modal, Select } from 'antd';
import { useState } from 'react';
import { api, ApiError, problemText, useLocale, useT, type ApiErrorCode, type ApiRecord, RecordForm, label } from '@metacrm/ui-kit';
import { cellForm, editableField } from './inline-edit';
import { listMessages } from './list.messages';
import { type UserEntity } from '@metacrm/metadata';

interface BulkResult {
  index: number;
  status: number;
  error?: { code: string; message: string; details?: unknown };
}

interface Failure {
  id: string;
  name: string;
  code: string;
  message: string;
}

export interface BulkEditProps {
  entity: UserEntity;
  /** The selected records, with what names them in the failure list. */
  records: { id: string; name: string }[];
  onClose: (changed: boolean) => void;
}

/**
 * Sets one field to one value on every selected record: the field's own widget and
 * client validation (the record form with that field alone), then one bulk call of
 * updates through the record pipeline (`POST /api/records/{entity}/bulk`). When every
 * record refuses the value for the same reason, the reason shows on the field; when
 * only some do, they are listed with their error and the others keep the value.
 */
export function BulkEdit({ entity, records, onClose }: BulkEditProps) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const client = useQueryClient();
  const fields = entity.fields.filter((f) => editableField(entity, f.key));
  const [field, setField] = useState<string | undefined>();
  const [failures, setFailures] = useState<Failure[]>([]);

  const save = async (values: Record<string, unknown>): Promise<ApiRecord> => {
    const value = values[field!] ?? null;
    const answer = await api.post<{ results: BulkResult[] }>(`/api/records/${encodeURIComponent(entity.key)}/bulk`, {
      operations: records.map((r) => ({ op: 'update', id: r.id, data: { [field!]: value } })),
    });
    void client.invalidateQueries({ queryKey: ['records', entity.key] });
    const failed = answer.results.filter((r) => r.error);
    if (failed.length === records.length && failed[0]) {
      // Refused everywhere: the first record's problem lands on the field, as a save's would.
      const first = failed[0].error!;
      throw new ApiError({ status: failed[0].status, code: first.code as ApiErrorCode, message: first.message, details: first.details });
    }
    setFailures(failed.map((r) => ({ ...records[r.index]!, code: r.error!.code, message: problemText(r.error!, locale) })));
    void message.success(t('bulkEdited', { n: records.length - failed.length }));
    if (failed.length === 0) onClose(true);
    return { id: '', _version: 0, [field!]: value };
  };

  return (
    <Modal
      open
      title={t('bulkEditTitle', { n: records.length })}
      footer={null}
      onCancel={() => onClose(failures.length > 0)}
      destroyOnHidden
      data-testid="bulk-edit"
    >
      <Form layout="vertical" component="div">
        <Form.Item label={t('field')} htmlFor="mc-bulk-field">
          <Select
            id="mc-bulk-field"
            value={field}
            onChange={(key: string) => {
              setField(key);
              setFailures([]);
            }}
            options={fields.map((f) => ({ value: f.key, label: label(f.label, locale, f.key) }))}
            data-testid="bulk-edit-field"
          />
        </Form.Item>
      </Form>
      {field && (
        <div className="mc-cell-editor">
          <RecordForm
            key={field}
            entity={entity}
            form={cellForm(entity, field)}
            writable={() => true}
            save={(values) => save(values)}
            onSaved={() => undefined}
            onCancel={() => onClose(failures.length > 0)}
            saveLabel={t('bulkEditApply')}
          />
        </div>
      )}
      {failures.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('bulkEditFailed', { n: failures.length })}
          description={
            <List
              size="small"
              dataSource={failures}
              renderItem={(f) => (
                <List.Item>
                  {f.name}: <code>{f.code}</code> {f.message}
                </List.Item>
              )}
            />
          }
          data-testid="bulk-edit-failures"
        />
      )}
    </Modal>
  );
}
