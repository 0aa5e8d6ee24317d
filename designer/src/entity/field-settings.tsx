import { fieldTypePalette, type Bundle, type Entity, type Field } from '@metacrm/metadata';
import Form from '@rjsf/antd';
import type { RegistryFieldsType } from '@rjsf/utils';
import { Form as AntForm, Input, Tag, Tooltip } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useMemo } from 'react';
import { useLocale, useT } from '@metacrm/ui-kit';
import { CspSafeValidator } from '@metacrm/ui-kit';
import { suggestKey } from '../common/keys';
import { labelOf } from '../common/labels';
import { entityMessages } from './entity.messages';
import { ExpressionField, type SettingsContext } from './expression-field';
import { JsonField } from '../common/json-field';
import { settingsForm } from './settings-schema';

const FIELDS: RegistryFieldsType = { json: JsonField, expression: ExpressionField };

export interface FieldSettingsProps {
  field: Field;
  entity: Entity;
  bundle: Bundle;
  /** Published: the key is stable and shown locked. */
  published: boolean;
  /** The key was typed by the admin, so the English label no longer suggests it. */
  keyTyped: boolean;
  onChange: (next: Field, group: string, options?: { keyTyped?: boolean }) => void;
}

/**
 * The settings of one field: its labels in both languages side by side, its key
 * (suggested from the English label until published, then locked), then the form
 * generated from its type's settings schema.
 */
export function FieldSettings({ field, entity, bundle, published, keyTyped, onChange }: FieldSettingsProps) {
  const t = useT(entityMessages);
  const { locale } = useLocale();
  const validator = useMemo(() => new CspSafeValidator(locale), [locale]);
  const form = useMemo(() => settingsForm(field, entity, bundle, locale), [field, entity, bundle, locale]);
  const typeName = labelOf(fieldTypePalette().find((p) => p.type === field.type)?.label, locale, field.type);
  const others = new Set(entity.fields.filter((f) => f !== field).map((f) => f.key));

  const setLabel = (lang: 'zh-CN' | 'en', text: string) => {
    const label = { ...field.label, [lang]: text };
    const key = !published && !keyTyped && lang === 'en' ? suggestKey(text, others) : field.key;
    onChange({ ...field, label, key } as Field, `label:${field.key}:${lang}`);
  };
  const { key: _key, type: _type, label: _label, ...settings } = field as unknown as Record<string, unknown>;

  return (
    <div className="dz-settings" data-testid="field-settings">
      <AntForm layout="vertical" component="div">
        <div className="dz-pair">
          <AntForm.Item label={t('settings.labelZh')} htmlFor="field-label-zh" required>
            <Input
              id="field-label-zh"
              value={field.label['zh-CN']}
              onChange={(e) => setLabel('zh-CN', e.target.value)}
              data-testid="field-label-zh"
            />
          </AntForm.Item>
          <AntForm.Item label={t('settings.labelEn')} htmlFor="field-label-en" required>
            <Input
              id="field-label-en"
              value={field.label.en}
              onChange={(e) => setLabel('en', e.target.value)}
              data-testid="field-label-en"
            />
          </AntForm.Item>
        </div>
        <div className="dz-pair">
          <AntForm.Item
            label={t('settings.key')}
            htmlFor="field-key"
            help={published ? t('settings.keyStable') : t('settings.keySuggested')}
          >
            <Input
              id="field-key"
              className="dz-mono"
              value={field.key}
              readOnly={published}
              suffix={
                published ? (
                  <Tooltip title={t('settings.keyStable')}>
                    <LockOutlined aria-label={t('settings.keyStable')} />
                  </Tooltip>
                ) : undefined
              }
              onChange={(e) => onChange({ ...field, key: e.target.value } as Field, `key:${field.key}`, { keyTyped: true })}
              data-testid="field-key"
            />
          </AntForm.Item>
          <AntForm.Item label={t('settings.type')}>
            <Tag data-testid="field-type">{typeName}</Tag>
          </AntForm.Item>
        </div>
      </AntForm>
      <Form
        schema={form.schema}
        uiSchema={form.uiSchema}
        formData={settings}
        fields={FIELDS}
        formContext={{ entity } satisfies SettingsContext}
        validator={validator}
        liveValidate="onChange"
        showErrorList={false}
        omitExtraData={false}
        idPrefix="setting"
        onChange={(e, id) => {
          // Without an id the change is RJSF filling in schema defaults as the form mounts:
          // selecting a field must not change it (nor start a save).
          if (id === undefined) return;
          onChange(
            { ...(e.formData as object), key: field.key, type: field.type, label: field.label } as Field,
            `settings:${field.key}:${id}`,
          );
        }}
      />
    </div>
  );
}
