import { DeleteOutlined, DownloadOutlined, EditOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Dropdown, Space } from 'antd';
import { useState } from 'react';
import { RunWorkflow } from '../forms/run-workflow';
import { api, useLocale, useT, label, type RuntimeMeta } from '@metacrm/ui-kit';
import { BulkEdit } from './bulk-edit';
import { editableField } from './inline-edit';
import { listMessages } from './list.messages';
import { type UserAction, type UserEntity } from '@metacrm/metadata';

export interface BulkBarProps {
  meta: RuntimeMeta;
  entity: UserEntity;
  selected: string[];
  /** What names a selected record (its display field), for the list of records a bulk edit could not change. */
  names: (id: string) => string;
  /** The list's query string for an export of what is on screen (filter, sort, search). */
  exportQuery: string;
  onDone: () => void;
}

/**
 * Actions on the selected rows: set one field on all of them (bulk edit), run a manual workflow of the entity (asking its input
 * through a form generated from its input schema), delete (bulk API, one result per
 * record), and export of the view as the user sees it.
 */
export function BulkBar({ meta, entity, selected, names, exportQuery, onDone }: BulkBarProps) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const { message, modal } = App.useApp();
  const client = useQueryClient();
  const [running, setRunning] = useState<UserAction | undefined>();
  const [editing, setEditing] = useState(false);
  const editable = entity.rights.update && entity.fields.some((f) => editableField(entity, f.key));
  const actions = meta.actions.filter((a) => a.entity === entity.key);

  const remove = () =>
    modal.confirm({
      title: t('deleteConfirm', { n: selected.length }),
      okButtonProps: { danger: true },
      okText: t('delete'),
      onOk: async () => {
        const answer = await api.post<{ results: { ok?: boolean; status?: number; error?: { code: string; message: string } }[] }>(
          `/api/records/${entity.key}/bulk`,
          { operations: selected.map((id) => ({ op: 'delete', id })) },
        );
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
          <Dropdown
            menu={{
              items: actions.map((a) => ({ key: a.key, label: label(a.label, locale, a.key) })),
              onClick: ({ key }) => setRunning(actions.find((a) => a.key === key)),
            }}
          >
            <Button icon={<ThunderboltOutlined />} data-testid="bulk-run">
              {t('run')}
            </Button>
          </Dropdown>
        )}
        {editable && (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="bulk-edit-open">
            {t('bulkEdit')}
          </Button>
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
      {editing && (
        <BulkEdit
          entity={entity}
          records={selected.map((id) => ({ id, name: names(id) }))}
          onClose={(changed) => {
            setEditing(false);
            if (changed) onDone();
          }}
        />
      )}
      {running && (
        <RunWorkflow
          action={running}
          records={selected}
          onClose={(ran) => {
            setRunning(undefined);
            if (ran) onDone();
          }}
        />
      )}
    </div>
  );
}
