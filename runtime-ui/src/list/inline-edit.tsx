import type { Form } from '@metacrm/metadata';
import { EditOutlined } from '@ant-design/icons';
import { Button, Modal } from 'antd';
import type { ReactNode } from 'react';
import { useLocale, useT, type ApiRecord, fieldUi, RecordForm, label } from '@metacrm/ui-kit';
import { useSaveRecord } from '../record/use-record';
import { listMessages } from './list.messages';
import { type UserEntity } from '@metacrm/metadata';

/** A form with the one field being edited (a cell, a bulk edit). */
export function cellForm(entity: UserEntity, field: string): Form {
  return {
    key: `${entity.key}_cell_${field}`,
    entity: entity.key,
    label: entity.label,
    layout: { tabs: [{ key: 'main', label: entity.label, sections: [{ key: 'main', columns: 1, fields: [{ field }] }] }] },
  };
}

/** Whether the user may edit this field of a record in place: writable, and not computed. */
export function editableField(entity: UserEntity, fieldKey: string) {
  const field = entity.fields.find((f) => f.key === fieldKey);
  return field !== undefined && entity.rights.update && field.access.write && field.readOnly !== true && fieldUi(field).computed !== true
    ? field
    : undefined;
}

/**
 * A list cell that can be edited in place: a pencil (shown on hover and focus) asks the
 * list to open the field's editor (CellEditor). The list holds which cell is being
 * edited, so a refetch that redraws the rows (a live change, say) never closes it.
 */
export function EditableCell({
  entity,
  fieldKey,
  onEdit,
  children,
}: {
  entity: UserEntity;
  fieldKey: string;
  onEdit: () => void;
  children: ReactNode;
}) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const field = editableField(entity, fieldKey);
  if (!field) return <>{children}</>;
  return (
    <span className="mc-editable-cell">
      {children}
      <Button
        size="small"
        type="text"
        className="mc-editable-cell__edit"
        icon={<EditOutlined />}
        aria-label={t('editCell', { field: label(field.label, locale, field.key) })}
        onClick={(e) => {
          e.stopPropagation();
          onEdit();
        }}
        data-testid={`edit-${field.key}`}
      />
    </span>
  );
}

/**
 * The field's own widget in a small dialog; the save takes the same path as the record
 * form (its validation, the server's problems on the field, the record's version).
 * Rendered by the list, outside the table, so no click in it reaches a row.
 */
export function CellEditor({
  entity,
  fieldKey,
  record,
  onClose,
}: {
  entity: UserEntity;
  fieldKey: string;
  record: ApiRecord;
  onClose: () => void;
}) {
  const t = useT(listMessages);
  const { locale } = useLocale();
  const save = useSaveRecord(entity.key);
  const field = editableField(entity, fieldKey);
  if (!field) return null;
  return (
    <Modal
      open
      title={t('editCell', { field: label(field.label, locale, field.key) })}
      footer={null}
      onCancel={onClose}
      destroyOnHidden
      width={420}
    >
      <div className="mc-cell-editor">
        <RecordForm
          entity={entity}
          form={cellForm(entity, field.key)}
          record={record}
          writable={() => true}
          save={(values, version) => save(record.id, values, version)}
          onSaved={onClose}
          onCancel={onClose}
        />
      </div>
    </Modal>
  );
}
