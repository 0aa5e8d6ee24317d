import type { Bundle, Workflow } from '@metacrm/metadata';
import Form from '@rjsf/antd';
import type { RegistryFieldsType, RegistryWidgetsType } from '@rjsf/utils';
import { Alert, Button, Form as AntForm, Input, Popconfirm, Space, Tag, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMemo } from 'react';
import { CspSafeValidator, useLocale, useT } from '@metacrm/ui-kit';
import { JsonField } from '../common/json-field';
import { labelOf, type I18nText } from '../common/labels';
import { ConditionBuilder } from './condition-builder';
import { configForm } from './config-form';
import { stepIds, type Block, type StepBlock } from './flow-model';
import { TemplateWidget, type ConfigFormContext } from './template-widget';
import type { Variable } from './variables';
import type { PaletteStep } from './workflow-api';
import { workflowMessages } from './workflow.messages';

const FIELDS: RegistryFieldsType = { json: JsonField };
const WIDGETS: RegistryWidgetsType = { template: TemplateWidget };

export interface StepInspectorProps {
  block: StepBlock;
  entry: PaletteStep | undefined;
  workflow: Workflow;
  bundle: Bundle | undefined;
  variables: Variable[];
  problems: string[];
  onChange: (next: Block, group?: string) => void;
  onMove: (delta: -1 | 1) => void;
  onDelete: () => void;
}

/**
 * The settings of the selected step: its names in both languages, its key, the form
 * generated from its type's config schema (with the variable picker in text settings),
 * the condition paths after it, a parallel's paths, and moving or deleting it.
 */
export function StepInspector({ block, entry, bundle, variables, problems, onChange, onMove, onDelete }: StepInspectorProps) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const validator = useMemo(() => new CspSafeValidator(locale), [locale]);
  const step = block.step;
  const config = (step.config ?? {}) as Record<string, unknown>;
  const form = useMemo(() => (entry ? configForm(entry.configSchema, config, bundle, locale) : undefined), [entry, config, bundle, locale]);
  const context: ConfigFormContext = { variables };
  const nested = stepIds([block]).length - 1 - (block.kind === 'parallel' ? 1 : 0);
  const setLabel = (lang: keyof I18nText, text: string) => {
    const label = { 'zh-CN': step.label?.['zh-CN'] ?? '', en: step.label?.en ?? '', [lang]: text };
    const { label: _old, ...rest } = step;
    onChange({ ...block, step: label['zh-CN'] === '' && label.en === '' ? rest : { ...rest, label } }, `label:${step.id}:${lang}`);
  };

  return (
    <div className="dz-settings" data-testid="step-settings">
      <Space wrap className="dz-inspector__type">
        <Tag data-testid="step-type">{labelOf(entry?.label, locale, step.type)}</Tag>
        {entry?.external && <Tag className="dz-status dz-status--waiting">{t('node.external')}</Tag>}
        <code className="mc-code" aria-label={t('inspector.id')}>
          {step.id}
        </code>
      </Space>
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
          data-testid="step-problems"
        />
      )}
      <AntForm layout="vertical" component="div">
        <div className="dz-pair">
          <AntForm.Item label={t('inspector.labelZh')} htmlFor="step-label-zh">
            <Input id="step-label-zh" value={step.label?.['zh-CN'] ?? ''} onChange={(e) => setLabel('zh-CN', e.target.value)} />
          </AntForm.Item>
          <AntForm.Item label={t('inspector.labelEn')} htmlFor="step-label-en">
            <Input id="step-label-en" value={step.label?.en ?? ''} onChange={(e) => setLabel('en', e.target.value)} />
          </AntForm.Item>
        </div>
      </AntForm>
      {form && (
        <>
          <h3 className="dz-inspector__section">{t('inspector.config')}</h3>
          <Form
            key={step.id}
            schema={form.schema}
            uiSchema={form.uiSchema}
            formData={config}
            fields={FIELDS}
            widgets={WIDGETS}
            formContext={context}
            validator={validator}
            liveValidate="onChange"
            showErrorList={false}
            omitExtraData={false}
            idPrefix={`config-${step.id}`}
            onChange={(e, id) => {
              // Without an id the change is RJSF filling in defaults as the form mounts: selecting a step must not change it.
              if (id === undefined) return;
              onChange({ ...block, step: { ...step, config: e.formData as Record<string, unknown> } }, `config:${step.id}:${id}`);
            }}
          />
        </>
      )}
      {(block.kind === 'step' || block.kind === 'branch') && <BranchPaths block={block} variables={variables} onChange={onChange} />}
      {block.kind === 'parallel' && (
        <Space wrap className="dz-inspector__section">
          <Button
            icon={<PlusOutlined />}
            onClick={() => onChange({ ...block, lanes: [...block.lanes, []] })}
            disabled={block.lanes.length >= 10}
          >
            {t('inspector.addLane')}
          </Button>
          {block.lanes.map((_, i) => (
            <Button
              key={i}
              icon={<DeleteOutlined />}
              onClick={() => onChange({ ...block, lanes: block.lanes.filter((__, j) => j !== i) })}
              disabled={block.lanes.length <= 2}
            >
              {t('inspector.removeLane', { n: i + 1 })}
            </Button>
          ))}
        </Space>
      )}
      <Space wrap className="dz-inspector__actions">
        <Button icon={<ArrowUpOutlined />} onClick={() => onMove(-1)} data-testid="step-move-up">
          {t('inspector.moveUp')}
        </Button>
        <Button icon={<ArrowDownOutlined />} onClick={() => onMove(1)} data-testid="step-move-down">
          {t('inspector.moveDown')}
        </Button>
        {nested > 0 ? (
          <Popconfirm title={t('inspector.deleteNested', { count: nested })} onConfirm={onDelete}>
            <Button danger icon={<DeleteOutlined />} data-testid="step-delete">
              {t('inspector.delete')}
            </Button>
          </Popconfirm>
        ) : (
          <Button danger icon={<DeleteOutlined />} onClick={onDelete} data-testid="step-delete">
            {t('inspector.delete')}
          </Button>
        )}
      </Space>
    </div>
  );
}

/** The condition paths after a step: each with its name and condition; the step's own path is "otherwise". */
function BranchPaths({
  block,
  variables,
  onChange,
}: {
  block: Extract<StepBlock, { kind: 'step' | 'branch' }>;
  variables: Variable[];
  onChange: StepInspectorProps['onChange'];
}) {
  const t = useT(workflowMessages);
  const paths = block.kind === 'branch' ? block.paths : [];
  const addPath = () =>
    onChange(
      block.kind === 'branch'
        ? { ...block, paths: [...paths, { when: null, seq: [] }] }
        : { kind: 'branch', step: block.step, paths: [{ when: null, seq: [] }], otherwise: [] },
    );
  return (
    <section className="dz-inspector__section" aria-labelledby="branches-title">
      <h3 className="dz-inspector__section" id="branches-title">
        {t('inspector.branches')}
      </h3>
      <Typography.Paragraph type="secondary" className="dz-pane__hint">
        {t('inspector.branchesHelp')}
      </Typography.Paragraph>
      {block.kind === 'branch' &&
        paths.map((path, i) => (
          <div key={i} className="dz-branch" data-testid={`branch-${i}`}>
            <div className="dz-branch__head">
              <strong>{t('path.condition', { n: i + 1 })}</strong>
              <Button
                size="small"
                type="text"
                icon={<DeleteOutlined />}
                aria-label={`${t('inspector.removeBranch')} ${i + 1}`}
                onClick={() => onChange(removePath(block, i))}
              />
            </div>
            <ConditionBuilder
              id={`branch-${block.step.id}-${i}`}
              value={path.when}
              variables={variables}
              onChange={(when, group) => onChange({ ...block, paths: paths.map((p, j) => (j === i ? { ...p, when } : p)) }, group)}
            />
          </div>
        ))}
      <Button size="small" icon={<PlusOutlined />} onClick={addPath} data-testid="add-branch">
        {t('inspector.addBranch')}
      </Button>
    </section>
  );
}

/** A branching step without one of its paths; without any it is written as a plain step, its otherwise path after it. */
function removePath(block: Extract<Block, { kind: 'branch' }>, index: number): Block {
  return { ...block, paths: block.paths.filter((_, i) => i !== index) };
}
