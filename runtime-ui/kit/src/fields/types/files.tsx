import type { WidgetProps } from '@rjsf/utils';
import { PaperClipOutlined } from '@ant-design/icons';
import { defineMessages, useT } from '../../i18n/i18n';
import type { CellProps, FieldUi, FilterInputProps } from '../field-ui';

// Attachments: a list of stored files `{id, name, size, type}`.

const messages = defineMessages({ files: '{n} files', none: 'No files' }, { files: '{n} 个文件', none: '没有文件' });

interface StoredFile {
  id: string;
  name: string;
  size: number;
}

function files(value: unknown): StoredFile[] {
  return Array.isArray(value) ? (value as StoredFile[]) : [];
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

function AttachmentWidget(props: WidgetProps) {
  const t = useT(messages);
  const list = files(props.value);
  return (
    <ul id={props.id} className="mc-files">
      {list.length === 0 && <li className="mc-muted">{t('none')}</li>}
      {list.map((f) => (
        <li key={f.id}>
          <PaperClipOutlined aria-hidden /> {f.name}
        </li>
      ))}
    </ul>
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
