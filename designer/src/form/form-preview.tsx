import { isSystemField, rolePolicies, userEntity, userForm, type Entity, type Form, type Role } from '@metacrm/metadata';
import { App, Button, Modal, Segmented, Select, Space } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import { useMemo, useState } from 'react';
import { EmptyState, RecordForm, fieldTypes, logicOperations, useLocale, useT, type ApiRecord } from '@metacrm/ui-kit';
import { useDraft } from '../api/queries';
import { labelOf } from '../common/labels';
import { formDesignerMessages } from './form.messages';

const ADMIN = '*';

/** The header's "Preview" button and its dialog. */
export function FormPreviewButton({ form, entity }: { form: Form; entity: Entity }) {
  const t = useT(formDesignerMessages);
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<EyeOutlined />} onClick={() => setOpen(true)} data-testid="form-preview">
        {t('preview.open')}
      </Button>
      {open && <FormPreview form={form} entity={entity} onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * The form as a user of a chosen role will get it, with a sample record typed in: the
 * draft's roles are applied by the metadata package's own policy code (`rolePolicies`,
 * `userEntity`, `userForm`: what the server runs for `GET /api/me/metadata`), then the
 * kit's RecordForm draws it, with its conditions and checks, at desktop or phone width.
 * Nothing is saved.
 */
function FormPreview({ form, entity, onClose }: { form: Form; entity: Entity; onClose: () => void }) {
  const t = useT(formDesignerMessages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const draft = useDraft();
  const [role, setRole] = useState(ADMIN);
  const [width, setWidth] = useState<'desktop' | 'phone'>('desktop');
  const roles = (draft.data?.bundle.roles ?? []) as Role[];
  const view = useMemo(() => {
    const entities = (draft.data?.bundle.entities ?? []).map((e) => (e.key === entity.key ? entity : e));
    const source = { bundle: { roles }, entity: (key: string) => entities.find((e) => e.key === key) };
    const policy = rolePolicies(source, role === ADMIN ? '*' : [role], logicOperations)(entity.key);
    if (!policy.can('read') && !policy.can('create')) return undefined;
    return {
      entity: userEntity(entity, policy, { fieldTypes }),
      form: userForm(form, (field) => isSystemField(field) || policy.field(field).read),
      mayWrite: policy.can('create'),
    };
  }, [draft.data, entity, form, role, roles]);
  const writable = useMemo(
    () => (field: { key: string }) => view?.mayWrite === true && view.entity.fields.find((f) => f.key === field.key)?.access.write === true,
    [view],
  );
  const save = async (values: Record<string, unknown>): Promise<ApiRecord> => ({ ...values, id: 'preview', _version: 1 }) as ApiRecord;

  return (
    <Modal
      open
      title={t('preview.title')}
      onCancel={onClose}
      footer={<Button onClick={onClose}>{t('preview.close')}</Button>}
      width={width === 'phone' ? 480 : 1040}
      data-testid="preview-dialog"
    >
      <Space wrap className="dz-preview__bar">
        <label htmlFor="preview-role">{t('preview.role')}</label>
        <Select
          id="preview-role"
          value={role}
          onChange={setRole}
          options={[
            { value: ADMIN, label: t('preview.admin') },
            ...roles.map((r) => ({ value: r.key, label: labelOf(r.label, locale, r.key) })),
          ]}
          popupMatchSelectWidth={false}
          data-testid="preview-role"
        />
        <Segmented
          aria-label={t('preview.width')}
          value={width}
          onChange={(v) => setWidth(v as 'desktop' | 'phone')}
          options={[
            { value: 'desktop', label: t('preview.desktop') },
            { value: 'phone', label: t('preview.phone') },
          ]}
          data-testid="preview-width"
        />
      </Space>
      <p className="dz-pane__hint">{t('preview.hint')}</p>
      <div className={`dz-preview dz-preview--${width}`} data-testid="preview-frame">
        {view ? (
          <RecordForm
            entity={view.entity}
            form={view.form}
            writable={writable}
            save={save}
            onSaved={() => void message.success(t('preview.saved'))}
            narrow={width === 'phone'}
          />
        ) : (
          <EmptyState title={t('preview.noAccess', { entity: labelOf(entity.label, locale, entity.key) })} />
        )}
      </div>
    </Modal>
  );
}
