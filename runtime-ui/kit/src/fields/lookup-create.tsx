import type { UserEntity } from '@metacrm/metadata';
import { useQueryClient } from '@tanstack/react-query';
import { Drawer, Grid } from 'antd';
import { api } from '../api/api-client';
import { RecordForm } from '../forms/record-form';
import { useLocale, useT } from '../i18n/i18n';
import { fallbackForm, formOf, label, type RuntimeMeta } from '../meta/meta';
import type { ApiRecord } from './field-ui';
import { lookupMessages } from './lookup.messages';

export interface LookupCreateProps {
  meta: RuntimeMeta;
  target: UserEntity;
  onCreated: (record: ApiRecord) => void;
  onClose: () => void;
}

/**
 * "+ New <target>" of a lookup: the target entity's generated form in a drawer over the
 * form being filled (its own validation, server problems and conditions); the record it
 * creates is selected in the lookup. Offered only when the user may create the target.
 */
export function LookupCreate({ meta, target, onCreated, onClose }: LookupCreateProps) {
  const t = useT(lookupMessages);
  const { locale } = useLocale();
  const client = useQueryClient();
  const narrow = Grid.useBreakpoint().md === false;
  const name = label(target.label, locale, target.key);
  return (
    <Drawer
      open
      title={t('newTarget', { entity: name })}
      size={narrow ? '100%' : 640}
      onClose={onClose}
      destroyOnHidden
      rootClassName="mc-lookup-create"
    >
      <RecordForm
        entity={target}
        form={formOf(meta, target.key) ?? fallbackForm(target)}
        writable={(field) => target.fields.find((f) => f.key === field.key)?.access.write === true}
        save={async (values) => await api.post<ApiRecord>(`/api/records/${encodeURIComponent(target.key)}`, values)}
        onSaved={(saved) => {
          // The lookup names its value from this cache entry (no second read).
          client.setQueryData(['record', target.key, saved.id], saved);
          void client.invalidateQueries({ queryKey: ['lookup', target.key] });
          onCreated(saved);
        }}
        onCancel={onClose}
      />
    </Drawer>
  );
}
