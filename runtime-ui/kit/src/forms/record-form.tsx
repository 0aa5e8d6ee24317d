import { compileFormConditions, formFieldStates, type Entity, type Form as FormMeta } from '@metacrm/metadata';
import Form from '@rjsf/antd';
import type { ErrorSchema } from '@rjsf/utils';
import { Alert, Button, Grid, Modal, Space } from 'antd';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ApiRecord } from '../fields/field-ui';
import { fieldUis } from '../fields/field-ui';
import { toApiError, type ApiError } from '../api/api-error';
import { localizedProblems } from '../api/problem-text';
import { useLocale, useT } from '../i18n/i18n';
import { useSession } from '../auth/session';
import { logicOperations } from '../meta/registries';
import { FormLayoutTemplate, type LayoutContext } from './form-layout';
import { formMessages } from './form.messages';
import { fieldWidgets, formSchemas, problemsToErrorSchema, type Writable } from './form-schema';
import { CspSafeValidator } from './schema-validator';
import { useUnsavedGuard } from './unsaved-guard';

export interface RecordFormProps {
  entity: Entity;
  form: FormMeta;
  /** The record being edited; absent for a new one. */
  record?: ApiRecord;
  /** Values a new record starts with (create-related fills the lookup). */
  initial?: Record<string, unknown>;
  writable: Writable;
  /** Saves the values that changed (or all, for a new record); rejects with the ApiError. */
  save: (values: Record<string, unknown>, version: number | undefined) => Promise<ApiRecord>;
  /** Fetches the record again (the 409 "reload" choice). */
  reload?: () => Promise<ApiRecord>;
  onSaved: (record: ApiRecord) => void;
  onCancel?: () => void;
  /** The save button's text, when neither "Create" nor "Save" says what it does (a bulk edit applies). */
  saveLabel?: string;
  /**
   * A change the server refused for missing fields (a stage move): the form starts with
   * its values typed in and the problems on their fields, so filling them and saving
   * makes the move.
   */
  pending?: { values: Record<string, unknown>; problems: { pointer?: string; code: string; message: string }[] };
  /** One column whatever the sections say (the designer's phone-width preview); by default the window's width decides. */
  narrow?: boolean;
}

/**
 * A record form generated from form metadata through RJSF: the layout, a widget per
 * field type, conditions evaluated with the metadata package's `formFieldStates` on
 * every change (the server runs the same function), client validation with the value
 * schemas, server problems on their fields, and a 409 that keeps what was typed.
 */
export function RecordForm({
  entity,
  form,
  record,
  initial,
  writable,
  save,
  reload,
  onSaved,
  onCancel,
  saveLabel,
  pending,
  narrow: narrowProp,
}: RecordFormProps) {
  const t = useT(formMessages);
  const { locale } = useLocale();
  const session = useSession();
  const phone = Grid.useBreakpoint().md === false;
  const narrow = narrowProp ?? phone;
  const [base, setBase] = useState<Record<string, unknown>>(() => withoutNulls(record ?? initial ?? {}));
  const [data, setData] = useState<Record<string, unknown>>(() => (pending ? { ...base, ...pending.values } : base));
  const [version, setVersion] = useState(record?._version);
  // The server's problems, with the values they were about: typing anything clears them.
  const [server, setServer] = useState<{ errors: ErrorSchema; data: Record<string, unknown> } | undefined>(() =>
    pending ? { errors: problemsToErrorSchema(pending.problems) as ErrorSchema, data } : undefined,
  );
  const serverErrors = server?.errors;
  const setServerErrors = (errors: ErrorSchema | undefined) => setServer(errors ? { errors, data } : undefined);
  const [failure, setFailure] = useState<ApiError | undefined>();
  const [saving, setSaving] = useState(false);
  const [conflict, setConflict] = useState<number | undefined>();
  const submitRef = useRef<{ submit: () => void } | null>(null);

  const conditions = useMemo(() => compileFormConditions(form, logicOperations), [form]);
  const me = session?.state.status === 'signed-in' ? session.state.me.user : undefined;
  const states = useMemo(() => {
    const now = new Date();
    return formFieldStates(conditions, {
      ...data,
      $now: now.toISOString(),
      $today: now.toISOString().slice(0, 10),
      $user: { id: me?.id, name: me?.name },
    }).fields;
  }, [conditions, data, me?.id, me?.name]);
  // The schema changes only when a field's state does, not on every keystroke.
  const stateKey = [...states].map(([k, s]) => `${k}${+s.visible}${+s.required}${+s.readOnly}`).join();
  const { schema, uiSchema } = useMemo(
    () => formSchemas(entity, form, states, locale, writable, t('readOnlyTip')),
    [entity, form, stateKey, locale, writable, t],
  );
  const validator = useMemo(() => new CspSafeValidator(locale), [locale]);
  const widgets = useMemo(() => fieldWidgets(fieldUis.keys()), []);
  const context: LayoutContext = { form, locale, narrow, entity: entity.key, recordId: record?.id };

  const changed = useMemo(() => changedValues(schema.properties ?? {}, base, data, record === undefined), [schema, base, data, record]);
  const dirty = Object.keys(changed).length > 0;
  useUnsavedGuard(dirty && !saving);

  useEffect(() => setServer((s) => (s && s.data === data ? s : undefined)), [data]);

  // A newer version arrived (someone else saved, seen live): shown at once unless the
  // user is editing, whose typing is never replaced (their save meets the 409 instead).
  useEffect(() => {
    if (!record || version === undefined || record._version <= version || dirty) return;
    setBase(withoutNulls(record));
    setData(withoutNulls(record));
    setVersion(record._version);
  }, [record]);

  const submit = async () => {
    setSaving(true);
    setFailure(undefined);
    try {
      const saved = await save(changed, version);
      setBase(withoutNulls(saved));
      setData(withoutNulls(saved));
      setVersion(saved._version);
      onSaved(saved);
    } catch (err) {
      const error = toApiError(err);
      const problems = localizedProblems(error, locale);
      if (error.code === 'RECORD_VERSION_CONFLICT') setConflict((error.details as { currentVersion?: number } | undefined)?.currentVersion);
      else if (problems.some((p) => p.pointer)) setServerErrors(problemsToErrorSchema(problems) as ErrorSchema);
      setFailure(error);
    } finally {
      setSaving(false);
    }
  };

  const keepEditing = () => {
    setVersion(conflict ?? version);
    setConflict(undefined);
    setFailure(undefined);
  };
  const reloadRecord = async () => {
    if (!reload) return;
    const fresh = await reload();
    setBase(withoutNulls(fresh));
    setData(withoutNulls(fresh));
    setVersion(fresh._version);
    setConflict(undefined);
    setFailure(undefined);
  };

  return (
    <div className="mc-record-form" data-testid="record-form" onKeyDown={(e) => submitOnEnter(e, () => submitRef.current?.submit())}>
      {failure && failure.code !== 'RECORD_VERSION_CONFLICT' && (
        <Alert
          type="error"
          showIcon
          title={t('problems.title')}
          description={
            <>
              <code>{failure.code}</code> {failure.message}
            </>
          }
          data-testid="form-error"
        />
      )}
      <Form
        ref={submitRef as never}
        schema={schema}
        uiSchema={uiSchema}
        formData={data}
        validator={validator}
        widgets={widgets}
        templates={{ ObjectFieldTemplate: FormLayoutTemplate }}
        formContext={context}
        extraErrors={serverErrors}
        showErrorList={false}
        noHtml5Validate
        focusOnFirstError
        onError={() => undefined}
        liveOmit={false}
        onChange={(e) => setData((e.formData ?? {}) as Record<string, unknown>)}
        onSubmit={() => void submit()}
      />
      <Space className="mc-form-actions">
        <Button type="primary" loading={saving} onClick={() => submitRef.current?.submit()} data-testid="form-save">
          {saveLabel ?? (record ? t('save') : t('create'))}
        </Button>
        {onCancel && <Button onClick={onCancel}>{t('cancel')}</Button>}
      </Space>
      <Modal
        open={conflict !== undefined || failure?.code === 'RECORD_VERSION_CONFLICT'}
        title={t('conflict.title')}
        closable={false}
        footer={[
          <Button key="reload" onClick={() => void reloadRecord()} disabled={!reload} data-testid="conflict-reload">
            {t('conflict.reload')}
          </Button>,
          <Button key="keep" type="primary" onClick={keepEditing} data-testid="conflict-keep">
            {t('conflict.keep')}
          </Button>,
        ]}
      >
        <p>{t('conflict.body')}</p>
      </Modal>
    </div>
  );
}

/** The API answers null for a field without a value; the form holds no key for it (null is not a value of its schema). */
function withoutNulls(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
}

/** What a save sends: for a new record every value given; for an edit only what differs from the loaded record. */
function changedValues(
  properties: object,
  base: Record<string, unknown>,
  data: Record<string, unknown>,
  creating: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties) as [string, { readOnly?: boolean }][]) {
    if (schema.readOnly) continue;
    const value = data[key];
    if (creating) {
      if (value !== undefined) out[key] = value;
    } else if (JSON.stringify(value ?? null) !== JSON.stringify(base[key] ?? null)) {
      out[key] = value ?? null;
    }
  }
  return out;
}

/** Enter in a single-line input saves, as users expect; text areas and open selects keep Enter. */
function submitOnEnter(event: KeyboardEvent<HTMLElement>, submit: () => void): void {
  const target = event.target as HTMLElement;
  if (event.key !== 'Enter' || event.shiftKey || target.tagName !== 'INPUT' || target.getAttribute('role') === 'combobox') return;
  event.preventDefault();
  submit();
}
