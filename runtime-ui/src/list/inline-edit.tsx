import type { Form } from '@metacrm/metadata';
import { EditOutlined } from '@ant-design/icons';
import { Button, Modal } from 'antd';
import { useState, type ReactNode } from 'react';
import type { ApiRecord } from '../fields/field-ui';
import { fieldUi } from '../fields/field-ui';
import { RecordForm } from '../forms/record-form';
import { useLocale, useT } from '../kit';
import { label, type UserEntity } from '../meta/meta';
import { useSaveRecord } from '../record/use-record';
import { listMessages } from './list.messages';

/** A form with the one field being edited in a cell. */
function cellForm(entity: UserEntity, field: string): Form {
  return { key: `${entity.key}_cell_${field}`, entity: entity.key, label: entity.label, layout: { tabs: [{ key: 'main', label: entity.label, sections: [{ key: 'main', columns: 1, fields: [{ field }] }] }] } };
}

/**
 * A list cell that can be edited in place: a pencil (shown on hover and focus) opens the
 * field's own widget in a small dialog; the save takes the same path as the record form (its
 * validation, the server's problems on the field, the record's version).
 */
export function EditableCell({ entity, fieldKey, record, children }: { entity: UserEntity; fieldKey: string; record: ApiRecord; children: ReactNode }) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const [open, setOpen] = useState(false);
  const save = useSaveRecord(entity.key);
  const field = entity.fields.find((f) => f.key === fieldKey);
  const editable = field !== undefined && entity.rights.update && field.access.write && field.readOnly !== true && fieldUi(field).computed !== true;
  if (!editable) return <>{children}</>;
  const name = label(field.label, locale, field.key);
  return (
    <span className="mc-editable-cell">
      {children}
      <Button
        size="small"
        type="text"
        className="mc-editable-cell__edit"
        icon={<EditOutlined />}
        aria-label={t('editCell', { field: name })}
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
        data-testid={`edit-${field.key}`}
      />
      {open && (
        <Modal open title={t('editCell', { field: name })} footer={null} onCancel={() => setOpen(false)} destroyOnHidden width={420}>
          <div className="mc-cell-editor" onClick={(e) => e.stopPropagation()}>
            <RecordForm entity={entity} form={cellForm(entity, field.key)} record={record} writable={() => true} save={(values, version) => save(record.id, values, version)} onSaved={() => setOpen(false)} onCancel={() => setOpen(false)} />
          </div>
        </Modal>
      )}
    </span>
  );
}
