import type { WidgetProps } from '@rjsf/utils';
import { useQuery } from '@tanstack/react-query';
import { PlusOutlined } from '@ant-design/icons';
import { Button, Input, Select } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { api } from '../../api/api-client';
import { Link } from '../../router/router';
import { UserName } from '../user-name';
import { UserPicker } from '../user-picker';
import { entityOf, label, useMeta } from '../../meta/meta';
import { useLocale, useT } from '../../i18n/i18n';
import { lookupMessages } from '../lookup.messages';
import type { ApiRecord, CellProps, FieldUi, FilterInputProps } from '../field-ui';
import { widgetField } from '../field-ui';

// References: lookup (a record of another entity) and user.

// The "create new" drawer draws a whole generated form (RJSF): loaded when first opened,
// so the field widgets that every page registers stay out of the first load.
const LookupCreate = lazy(async () => ({ default: (await import('../lookup-create')).LookupCreate }));

interface Expanded {
  id: string;
  display?: unknown;
}

function expanded(record: ApiRecord, key: string): Expanded | undefined {
  return (record._expanded as Record<string, Expanded> | undefined)?.[key];
}

function LookupCell({ field, value, record }: CellProps) {
  const target = (field as { target: string }).target;
  const given = typeof value === 'string' ? expanded(record, field.key)?.display : undefined;
  // A record read without `expand` (a record page, a save's answer) names its lookups by id:
  // the target record is read for its name (cached per record, as the lookup widget reads it).
  const missing = typeof value === 'string' && (given === undefined || given === null);
  const meta = useMeta();
  const targetEntity = meta.data ? entityOf(meta.data, target) : undefined;
  const fetched = useQuery({
    queryKey: ['record', target, value],
    enabled: missing && targetEntity?.rights.read === true,
    queryFn: async ({ signal }) =>
      await api.get<ApiRecord>(`/api/records/${encodeURIComponent(target)}/${encodeURIComponent(String(value))}`, { signal }),
  });
  if (typeof value !== 'string') return null;
  const display = missing ? fetched.data?.[targetEntity?.displayField ?? 'id'] : given;
  return (
    <Link href={`/e/${target}/${value}`} onClick={(e) => e.stopPropagation()}>
      {display === undefined || display === null ? value : String(display)}
    </Link>
  );
}

function UserCell({ field, value, record }: CellProps) {
  if (typeof value !== 'string') return null;
  const display = expanded(record, field.key)?.display;
  return <UserName id={value} fallback={display === undefined || display === null ? undefined : String(display)} />;
}

/** Records of the target entity whose display field matches what the user typed. */
function useLookupOptions(target: string, q: string, current: unknown) {
  const meta = useMeta();
  const entity = meta.data ? entityOf(meta.data, target) : undefined;
  const display = entity?.displayField ?? 'id';
  const search = useQuery({
    queryKey: ['lookup', target, q],
    enabled: entity !== undefined,
    queryFn: async ({ signal }) =>
      await api.get<{ records: ApiRecord[] }>(
        `/api/records/${encodeURIComponent(target)}?limit=20&fields=${encodeURIComponent(display)}${q ? `&q=${encodeURIComponent(q)}` : ''}`,
        { signal },
      ),
  });
  const currentRecord = useQuery({
    queryKey: ['record', target, current],
    enabled: typeof current === 'string' && entity !== undefined,
    queryFn: async ({ signal }) => await api.get<ApiRecord>(`/api/records/${encodeURIComponent(target)}/${String(current)}`, { signal }),
  });
  const records = [...(currentRecord.data ? [currentRecord.data] : []), ...(search.data?.records ?? []).filter((r) => r.id !== current)];
  return { options: records.map((r) => ({ value: r.id, label: String(r[display] ?? r.id) })), loading: search.isFetching };
}

function LookupWidget(props: WidgetProps) {
  const field = widgetField(props) as { target: string };
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const { options, loading } = useLookupOptions(field.target, q, props.value);
  const meta = useMeta();
  const t = useT(lookupMessages);
  const { locale } = useLocale();
  const target = meta.data ? entityOf(meta.data, field.target) : undefined;
  const mayCreate = target?.rights.create === true && !(props.disabled || props.readonly);
  const invalid = (props.rawErrors?.length ?? 0) > 0;
  return (
    <>
      <Select
        id={props.id}
        showSearch={{ filterOption: false, onSearch: setQ }}
        allowClear
        loading={loading}
        value={typeof props.value === 'string' ? props.value : undefined}
        options={options}
        disabled={props.disabled || props.readonly}
        aria-required={props.required}
        status={invalid ? 'error' : undefined}
        style={{ width: '100%' }}
        onChange={(v: string | undefined) => props.onChange(v ?? undefined)}
        popupRender={(menu) => (
          <>
            {menu}
            {mayCreate && target && (
              <Button type="link" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="lookup-new">
                {t('newTarget', { entity: label(target.label, locale, target.key) })}
              </Button>
            )}
          </>
        )}
      />
      {creating && target && meta.data && (
        <Suspense fallback={null}>
          <LookupCreate
            meta={meta.data}
            target={target}
            onClose={() => setCreating(false)}
            onCreated={(record) => {
              setCreating(false);
              props.onChange(record.id);
            }}
          />
        </Suspense>
      )}
    </>
  );
}

function UserWidget(props: WidgetProps) {
  return (
    <UserPicker
      id={props.id}
      value={typeof props.value === 'string' ? props.value : undefined}
      disabled={props.disabled || props.readonly}
      invalid={(props.rawErrors?.length ?? 0) > 0}
      onChange={(v) => props.onChange(v)}
    />
  );
}

function IdFilterInput({ value, onChange, ariaLabel }: FilterInputProps) {
  return <Input aria-label={ariaLabel} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)} />;
}

/** The reference field types' UI, by type id. */
export const referenceTypes: Record<string, FieldUi> = {
  lookup: { Cell: LookupCell, Widget: LookupWidget, FilterInput: IdFilterInput },
  user: { Cell: UserCell, Widget: UserWidget, FilterInput: IdFilterInput },
};
