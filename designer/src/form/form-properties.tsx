import { fieldTypePalette, type Entity, type Form, type Logic } from '@metacrm/metadata';
import { Button, Form as AntForm, Input, Segmented, Switch, Tag, Tooltip } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import { useLocale, useT } from '@metacrm/ui-kit';
import { ConditionBuilder } from '../common/condition/condition-builder';
import { labelOf, type I18nText } from '../common/labels';
import {
  locate,
  removeField,
  removeSection,
  removeTab,
  spanOf,
  updatePlacement,
  updateSection,
  updateTab,
  type Selection,
} from './form-model';
import { formDesignerMessages } from './form.messages';

export interface FormPropertiesProps {
  form: Form;
  entity: Entity;
  selection: Selection;
  onChange: (next: Form, group?: string) => void;
  onSelect: (selection: Selection) => void;
}

/** The properties pane: what is selected on the canvas (a field's place, a section, a tab) or the form itself. */
export function FormProperties(props: FormPropertiesProps) {
  const t = useT(formDesignerMessages);
  const { selection } = props;
  const title = t(`props.${selection.kind === 'form' ? 'form' : selection.kind === 'field' ? 'field' : selection.kind}`);
  return (
    <aside className="dz-pane dz-inspector" aria-labelledby="props-title" data-testid="form-properties">
      <h2 className="dz-pane__title" id="props-title">
        {t('props.title')}: {title}
      </h2>
      <AntForm layout="vertical" component="div" className="dz-settings">
        {selection.kind === 'form' && <FormProps {...props} />}
        {selection.kind === 'tab' && <TabProps {...props} tab={selection.tab} />}
        {selection.kind === 'section' && <SectionProps {...props} tab={selection.tab} section={selection.section} />}
        {selection.kind === 'field' && <FieldProps {...props} field={selection.field} />}
      </AntForm>
    </aside>
  );
}

/** Labels in both languages side by side; `optional`: both empty means none. */
function LabelPair({
  id,
  value,
  optional,
  long,
  onChange,
  names,
}: {
  id: string;
  value: Partial<I18nText> | undefined;
  optional?: boolean;
  long?: boolean;
  onChange: (next: I18nText | undefined, lang: string) => void;
  names: [string, string];
}) {
  const set = (lang: 'zh-CN' | 'en', text: string) => {
    const next = { 'zh-CN': value?.['zh-CN'] ?? '', en: value?.en ?? '', [lang]: text };
    onChange(optional && next['zh-CN'] === '' && next.en === '' ? undefined : next, lang);
  };
  const Box = long ? Input.TextArea : Input;
  return (
    <div className="dz-pair">
      <AntForm.Item label={names[0]} htmlFor={`${id}-zh`} required={!optional}>
        <Box id={`${id}-zh`} value={value?.['zh-CN'] ?? ''} onChange={(e) => set('zh-CN', e.target.value)} data-testid={`${id}-zh`} />
      </AntForm.Item>
      <AntForm.Item label={names[1]} htmlFor={`${id}-en`} required={!optional}>
        <Box id={`${id}-en`} value={value?.en ?? ''} onChange={(e) => set('en', e.target.value)} data-testid={`${id}-en`} />
      </AntForm.Item>
    </div>
  );
}

function FormProps({ form, onChange }: FormPropertiesProps) {
  const t = useT(formDesignerMessages);
  return (
    <>
      <LabelPair
        id="form-label"
        value={form.label}
        names={[t('props.labelZh'), t('props.labelEn')]}
        onChange={(label, lang) => label && onChange({ ...form, label }, `form-label:${lang}`)}
      />
      <AntForm.Item label={t('props.key')} htmlFor="form-key">
        <Input id="form-key" className="dz-mono" value={form.key} readOnly />
      </AntForm.Item>
      <AntForm.Item label={t('props.default')} help={t('props.defaultHelp')}>
        <Switch
          checked={form.default === true}
          aria-label={t('props.default')}
          onChange={(on) => {
            const { default: _d, ...rest } = form;
            onChange(on ? { ...rest, default: true } : rest);
          }}
          data-testid="form-default"
        />
      </AntForm.Item>
    </>
  );
}

function TabProps({ form, entity, tab, onChange, onSelect }: FormPropertiesProps & { tab: number }) {
  const t = useT(formDesignerMessages);
  const current = form.layout.tabs[tab];
  if (!current) return null;
  const only = form.layout.tabs.length <= 1;
  return (
    <>
      <LabelPair
        id="tab-label"
        value={current.label}
        names={[t('props.labelZh'), t('props.labelEn')]}
        onChange={(label, lang) => label && onChange(updateTab(form, tab, { label }), `tab:${tab}:${lang}`)}
      />
      <Condition
        key={`tab-${tab}`}
        label={t('props.visibleWhen')}
        id="tab-visibleWhen"
        value={current.visibleWhen}
        entity={entity}
        onChange={(v) => onChange(updateTab(form, tab, { visibleWhen: v }))}
      />
      <Tooltip title={only ? t('props.lastTab') : undefined}>
        <Button
          danger
          icon={<DeleteOutlined />}
          disabled={only}
          onClick={() => {
            onChange(removeTab(form, tab));
            onSelect({ kind: 'form' });
          }}
          data-testid="remove-tab"
        >
          {t('props.removeTab')}
        </Button>
      </Tooltip>
    </>
  );
}

function SectionProps({ form, entity, tab, section, onChange, onSelect }: FormPropertiesProps & { tab: number; section: number }) {
  const t = useT(formDesignerMessages);
  const current = form.layout.tabs[tab]?.sections[section];
  if (!current) return null;
  const only = form.layout.tabs[tab]!.sections.length <= 1;
  const set = (patch: Parameters<typeof updateSection>[3], group?: string) => onChange(updateSection(form, tab, section, patch), group);
  return (
    <>
      <LabelPair
        id="section-label"
        optional
        value={current.label}
        names={[t('props.labelZh'), t('props.labelEn')]}
        onChange={(label, lang) => set({ label }, `section:${current.key}:${lang}`)}
      />
      <p className="dz-pane__hint">{t('props.noHeading')}</p>
      <AntForm.Item label={<span id="section-columns-label">{t('props.columns')}</span>}>
        <Segmented
          aria-labelledby="section-columns-label"
          value={current.columns ?? 2}
          options={[1, 2, 3, 4]}
          onChange={(columns) => set({ columns: Number(columns) })}
          data-testid="section-columns"
        />
      </AntForm.Item>
      <AntForm.Item label={t('props.collapsed')}>
        <Switch
          checked={current.collapsed === true}
          aria-label={t('props.collapsed')}
          onChange={(on) => set({ collapsed: on ? true : undefined })}
          data-testid="section-collapsed"
        />
      </AntForm.Item>
      <Condition
        key={current.key}
        label={t('props.visibleWhen')}
        id="section-visibleWhen"
        value={current.visibleWhen}
        entity={entity}
        onChange={(v) => set({ visibleWhen: v })}
      />
      <Tooltip title={only ? t('props.lastSection') : undefined}>
        <Button
          danger
          icon={<DeleteOutlined />}
          disabled={only}
          onClick={() => {
            onChange(removeSection(form, tab, section));
            onSelect({ kind: 'tab', tab });
          }}
          data-testid="remove-section"
        >
          {t('props.removeSection')}
        </Button>
      </Tooltip>
    </>
  );
}

function FieldProps({ form, entity, field, onChange, onSelect }: FormPropertiesProps & { field: string }) {
  const t = useT(formDesignerMessages);
  const { locale } = useLocale();
  const at = locate(form, field);
  if (!at) return null;
  const { placement } = at;
  const meta = entity.fields.find((f) => f.key === field);
  const columns = form.layout.tabs[at.tab]!.sections[at.section]!.columns ?? 2;
  const set = (patch: Parameters<typeof updatePlacement>[2], group?: string) => onChange(updatePlacement(form, field, patch), group);
  const typeName = meta ? labelOf(fieldTypePalette().find((p) => p.type === meta.type)?.label, locale, meta.type) : '';
  const widths = Array.from({ length: columns }, (_, i) => ({ value: i + 1, label: `${spanOf(columns, i + 1)}/24` }));
  return (
    <>
      <AntForm.Item label={t('props.fieldType')}>
        <strong data-testid="props-field-label">{labelOf(meta?.label, locale, field)}</strong> <code className="mc-code">{field}</code>{' '}
        {typeName && <Tag>{typeName}</Tag>}
      </AntForm.Item>
      <AntForm.Item label={<span id="field-width-label">{t('props.width')}</span>}>
        <Segmented
          aria-labelledby="field-width-label"
          value={Math.min(columns, placement.colSpan ?? 1)}
          options={widths}
          onChange={(v) => set({ colSpan: Number(v) === 1 ? undefined : Number(v) })}
          data-testid="field-width"
        />
      </AntForm.Item>
      <LabelPair
        id="field-help"
        optional
        long
        value={placement.helpText}
        names={[t('props.helpZh'), t('props.helpEn')]}
        onChange={(helpText, lang) => set({ helpText }, `help:${field}:${lang}`)}
      />
      <Condition
        key={`${field}-visibleWhen`}
        label={t('props.visibleWhen')}
        id="visibleWhen"
        value={placement.visibleWhen}
        entity={entity}
        onChange={(v) => set({ visibleWhen: v })}
      />
      <Condition
        key={`${field}-requiredWhen`}
        label={t('props.requiredWhen')}
        id="requiredWhen"
        value={placement.requiredWhen}
        entity={entity}
        onChange={(v) => set({ requiredWhen: v })}
      />
      <Condition
        key={`${field}-readOnlyWhen`}
        label={t('props.readOnlyWhen')}
        id="readOnlyWhen"
        value={placement.readOnlyWhen}
        entity={entity}
        onChange={(v) => set({ readOnlyWhen: v })}
      />
      <Button
        danger
        icon={<DeleteOutlined />}
        onClick={() => {
          onChange(removeField(form, field));
          onSelect({ kind: 'section', tab: at.tab, section: at.section });
        }}
        data-testid="remove-field"
      >
        {t('props.removeField')}
      </Button>
    </>
  );
}

function Condition({
  label,
  id,
  value,
  entity,
  onChange,
}: {
  label: string;
  id: string;
  value: unknown;
  entity: Entity;
  onChange: (next: Logic | undefined) => void;
}) {
  return (
    <section className="dz-props__condition" aria-labelledby={`${id}-title`}>
      <h3 className="dz-palette__group-title" id={`${id}-title`}>
        {label}
      </h3>
      <ConditionBuilder id={id} label={label} value={value} entity={entity} onChange={(next) => onChange(next as Logic | undefined)} />
    </section>
  );
}
