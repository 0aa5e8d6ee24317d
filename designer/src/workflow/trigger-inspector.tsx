import type { Bundle, Workflow } from '@metacrm/metadata';
import Form from '@rjsf/antd';
import type { RegistryFieldsType, RegistryWidgetsType } from '@rjsf/utils';
import { Alert, Form as AntForm, Input, Select, Switch } from 'antd';
import { useMemo } from 'react';
import { CspSafeValidator, useLocale, useT } from '@metacrm/ui-kit';
import { JsonField } from '../common/json-field';
import { labelOf, type I18nText } from '../common/labels';
import { ConditionBuilder } from './condition-builder';
import { configForm } from './config-form';
import { TemplateWidget, type ConfigFormContext } from './template-widget';
import type { Variable } from './variables';
import type { PaletteEntry } from './workflow-api';
import { workflowMessages } from './workflow.messages';

const FIELDS: RegistryFieldsType = { json: JsonField };
const WIDGETS: RegistryWidgetsType = { template: TemplateWidget };

/**
 * The workflow's own settings, on its trigger node: its names, the entity whose records
 * carry its runs, how it starts (record events, a schedule, a date field, a button
 * with an input form, a webhook) with that trigger's settings form, the condition
 * checked when it fires, and whether it is active once published.
 */
export function TriggerInspector({
  workflow,
  triggers,
  bundle,
  variables,
  problems,
  onChange,
}: {
  workflow: Workflow;
  triggers: PaletteEntry[];
  bundle: Bundle | undefined;
  variables: Variable[];
  problems: string[];
  onChange: (next: Workflow, group?: string) => void;
}) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const validator = useMemo(() => new CspSafeValidator(locale), [locale]);
  const { type, ...settings } = workflow.trigger;
  const entry = triggers.find((tr) => tr.type === type);
  const form = useMemo(
    () => (entry ? configForm(entry.configSchema, settings, bundle, locale) : undefined),
    [entry, settings, bundle, locale],
  );
  const context: ConfigFormContext = { variables };
  const setLabel = (lang: keyof I18nText, text: string) =>
    onChange({ ...workflow, label: { ...workflow.label, [lang]: text } }, `wf-label:${lang}`);
  return (
    <div className="dz-settings" data-testid="trigger-settings">
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          message={t('inspector.problems')}
          description={
            <ul className="dz-problems">
              {problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          }
          data-testid="trigger-problems"
        />
      )}
      <AntForm layout="vertical" component="div">
        <div className="dz-pair">
          <AntForm.Item label={t('trigger.workflowZh')} htmlFor="wf-label-zh" required>
            <Input id="wf-label-zh" value={workflow.label['zh-CN']} onChange={(e) => setLabel('zh-CN', e.target.value)} />
          </AntForm.Item>
          <AntForm.Item label={t('trigger.workflowEn')} htmlFor="wf-label-en" required>
            <Input id="wf-label-en" value={workflow.label.en} onChange={(e) => setLabel('en', e.target.value)} />
          </AntForm.Item>
        </div>
        <div className="dz-pair">
          <AntForm.Item label={t('trigger.entity')} htmlFor="wf-entity">
            <Select
              id="wf-entity"
              allowClear
              value={workflow.entity}
              onChange={(entity?: string) => {
                const { entity: _old, ...rest } = workflow;
                onChange(entity ? { ...rest, entity } : rest);
              }}
              options={(bundle?.entities ?? []).map((e) => ({ value: e.key, label: `${labelOf(e.label, locale, e.key)} (${e.key})` }))}
              data-testid="wf-entity"
            />
          </AntForm.Item>
          <AntForm.Item label={t('trigger.type')} htmlFor="wf-trigger">
            <Select
              id="wf-trigger"
              value={type}
              onChange={(next: string) => onChange({ ...workflow, trigger: { type: next } })}
              options={triggers.map((tr) => ({ value: tr.type, label: labelOf(tr.label, locale, tr.type) }))}
              data-testid="wf-trigger"
            />
          </AntForm.Item>
        </div>
        <AntForm.Item label={t('trigger.active')} htmlFor="wf-active">
          <Switch id="wf-active" checked={workflow.active !== false} onChange={(active) => onChange({ ...workflow, active })} />
        </AntForm.Item>
      </AntForm>
      {form && Object.keys(form.schema.properties ?? {}).length > 0 && (
        <>
          <h3 className="dz-inspector__section">{t('trigger.settings')}</h3>
          <Form
            key={type}
            schema={form.schema}
            uiSchema={form.uiSchema}
            formData={settings}
            fields={FIELDS}
            widgets={WIDGETS}
            formContext={context}
            validator={validator}
            liveValidate="onChange"
            showErrorList={false}
            omitExtraData={false}
            idPrefix="trigger"
            onChange={(e, id) => {
              if (id === undefined) return;
              onChange({ ...workflow, trigger: { ...(e.formData as object), type } }, `trigger:${id}`);
            }}
          />
        </>
      )}
      <h3 className="dz-inspector__section">{t('trigger.condition')}</h3>
      <p className="dz-pane__hint">{t('trigger.conditionHelp')}</p>
      <ConditionBuilder
        id="wf-condition"
        value={workflow.condition ?? null}
        variables={variables}
        onChange={(logic, group) => {
          const { condition: _old, ...rest } = workflow;
          onChange(logic === null ? rest : { ...rest, condition: logic as Workflow['condition'] }, group);
        }}
      />
    </div>
  );
}
