import type { WidgetProps } from '@rjsf/utils';
import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Progress } from 'antd';
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { toApiError } from '../../api/api-error';
import { defineMessages, useLocale, useT } from '../../i18n/i18n';
import { widgetField, type CellProps, type FieldUi, type FilterInputProps } from '../field-ui';
import { formatBytes, uploadFile, type StoredFile, type Upload } from './file-upload';
import './files.css';

// Attachments: a list of stored files `{id, name, size, type}`, uploaded one by one to
// the attachments API and attached by the record's save.

const messages = defineMessages(
  {
    files: '{n} files',
    none: 'No files',
    upload: 'Upload files',
    drop: 'or drop files here',
    remove: 'Remove {name}',
    download: 'Download {name}',
    uploading: 'Uploading {name}',
    failed: '{name} was not uploaded: {reason}',
  },
  {
    files: '{n} 个文件',
    none: '没有文件',
    upload: '上传文件',
    drop: '或将文件拖到此处',
    remove: '移除 {name}',
    download: '下载 {name}',
    uploading: '正在上传 {name}',
    failed: '{name} 未上传：{reason}',
  },
);

function files(value: unknown): StoredFile[] {
  return Array.isArray(value) ? (value as StoredFile[]) : [];
}

/** A stored file's download link: the server always answers it as a download. */
export function FileLink({ file }: { file: StoredFile }) {
  const t = useT(messages);
  const { locale } = useLocale();
  return (
    <>
      <PaperClipOutlined aria-hidden />{' '}
      <a href={`/api/attachments/${encodeURIComponent(file.id)}`} download={file.name} title={t('download', { name: file.name })}>
        {file.name}
      </a>{' '}
      <span className="mc-file-size">{formatBytes(file.size, locale)}</span>
    </>
  );
}

function AttachmentCell({ value }: CellProps) {
  const t = useT(messages);
  const list = files(value);
  if (list.length === 0) return null;
  return (
    <span title={list.map((f) => f.name).join(', ')}>
      <PaperClipOutlined aria-hidden /> {list.length === 1 ? list[0]!.name : t('files', { n: list.length })}
    </span>
  );
}

interface Pending {
  key: number;
  name: string;
  percent: number;
  upload: Upload;
}

/**
 * The attachment field's widget: its files with download and remove, and uploads by
 * button or drag and drop, each with its progress. A finished upload joins the value;
 * the record's save attaches it (and a removed file is let go of by that save).
 */
function AttachmentWidget(props: WidgetProps) {
  const t = useT(messages);
  const field = widgetField(props);
  const context = props.registry.formContext as { entity?: string; recordId?: string } | undefined;
  const list = files(props.value);
  const [pending, setPending] = useState<Pending[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  // Uploads end after later renders: they add to the value as it is then, through the onChange of then.
  const latest = useRef({ list, onChange: props.onChange });
  latest.current = { list, onChange: props.onChange };
  const nextKey = useRef(0);
  const editable = !props.disabled && !props.readonly && context?.entity !== undefined;
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  // Leaving the form stops its uploads; what finished stays for the sweep.
  useEffect(() => () => pendingRef.current.forEach((p) => p.upload.abort()), []);

  const start = (chosen: readonly File[]) => {
    setErrors([]);
    for (const file of chosen) {
      const key = nextKey.current++;
      const upload = uploadFile({ entity: context!.entity!, field: field.key, recordId: context?.recordId }, file, (fraction) =>
        setPending((all) => all.map((p) => (p.key === key ? { ...p, percent: Math.round(fraction * 100) } : p))),
      );
      setPending((all) => [...all, { key, name: file.name, percent: 0, upload }]);
      upload.done
        .then((stored) => {
          // Two uploads may end before the form renders again: each adds to what the other added.
          const next = [...latest.current.list, stored];
          latest.current.list = next;
          latest.current.onChange(next);
        })
        .catch((err: unknown) =>
          setErrors((all) => [...all, t('failed', { name: file.name, reason: `${toApiError(err).code} ${toApiError(err).message}` })]),
        )
        .finally(() => setPending((all) => all.filter((p) => p.key !== key)));
    }
  };
  const remove = (id: string) => {
    const rest = list.filter((f) => f.id !== id);
    props.onChange(rest.length > 0 ? rest : undefined);
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (editable) start(Array.from(e.dataTransfer.files));
  };

  return (
    <div
      id={props.id}
      className={`mc-attachments${over ? ' mc-attachments-over' : ''}`}
      data-testid={`attachments-${field.key}`}
      onDragOver={(e) => {
        if (!editable) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <ul className="mc-files">
        {list.length === 0 && pending.length === 0 && <li className="mc-file-none">{t('none')}</li>}
        {list.map((f) => (
          <li key={f.id}>
            <FileLink file={f} />
            {editable && (
              <Button
                size="small"
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('remove', { name: f.name })}
                onClick={() => remove(f.id)}
              />
            )}
          </li>
        ))}
        {pending.map((p) => (
          <li key={`pending-${p.key}`} className="mc-file-pending">
            <span>{p.name}</span>
            <Progress percent={p.percent} size="small" aria-label={t('uploading', { name: p.name })} />
          </li>
        ))}
      </ul>
      {editable && (
        <div className="mc-file-drop">
          <Button icon={<UploadOutlined />} onClick={() => input.current?.click()}>
            {t('upload')}
          </Button>
          <span className="mc-file-hint">{t('drop')}</span>
          <input
            ref={input}
            type="file"
            multiple
            hidden
            aria-label={t('upload')}
            data-testid={`attachments-${field.key}-input`}
            onChange={(e) => {
              start(Array.from(e.target.files ?? []));
              e.target.value = '';
            }}
          />
        </div>
      )}
      {errors.map((message) => (
        <div key={message} role="alert" className="mc-file-error">
          {message}
        </div>
      ))}
    </div>
  );
}

/** Attachments are filtered by presence only (isEmpty / isNotEmpty), which takes no operand. */
function NoOperand(_: FilterInputProps) {
  return null;
}

/** The attachment field type's UI. */
export const fileTypes: Record<string, FieldUi> = {
  attachment: { Cell: AttachmentCell, Widget: AttachmentWidget, FilterInput: NoOperand },
};
