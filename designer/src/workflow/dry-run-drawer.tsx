import { createFieldTypeRegistry, writableRecordSchema, type Bundle, type JsonSchema, type Workflow } from '@metacrm/metadata';
import Form from '@rjsf/antd';
import type { RJSFSchema } from '@rjsf/utils';
import { Alert, Button, Checkbox, Drawer, List, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { CspSafeValidator, ErrorState, toApiError, useLocale, useT, type ApiError } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { statusClass } from './run-status';
import { workflowApi, type DryRun } from './workflow-api';
import { workflowMessages } from './workflow.messages';

const fieldTypes = createFieldTypeRegistry();

/**
 * The dry run: a sample record in a form generated from the trigger's entity (its
 * writable fields), run through the draft's workflow on the server (nothing written
 * or sent), then each step's outcome listed here and drawn on the canvas.
 */
export function DryRunDrawer({
  workflow,
  bundle,
  saved,
  result,
  onResult,
  onClose,
}: {
  workflow: Workflow;
  bundle: Bundle | undefined;
  saved: boolean;
  result: DryRun | undefined;
  onResult: (r: DryRun | undefined) => void;
  onClose: () => void;
}) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const validator = useMemo(() => new CspSafeValidator(locale), [locale]);
  const entity = bundle?.entities.find((e) => e.key === workflow.entity);
  const schema = useMemo(() => {
    if (!entity) return undefined;
    const base = writableRecordSchema(entity, fieldTypes) as JsonSchema & { properties: Record<string, JsonSchema> };
    const properties = Object.fromEntries(
      Object.entries(base.properties).map(([key, s]) => [
        key,
        { ...s, title: labelOf(entity.fields.find((f) => f.key === key)?.label, locale, key) },
      ]),
    );
    return { ...base, properties } as RJSFSchema;
  }, [entity, locale]);
  const [sample, setSample] = useState<Record<string, unknown>>({});
  const [skipCondition, setSkipCondition] = useState(false);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ApiError>();

  const run = async () => {
    setRunning(true);
    setError(undefined);
    try {
      onResult(await workflowApi.dryRun(workflow.key, { record: entity ? sample : null, skipCondition }));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setRunning(false);
    }
  };
  const stepName = (id: string) => labelOf(workflow.steps.find((s) => s.id === id)?.label, locale, id);
  return (
    <Drawer open onClose={onClose} title={t('dry.title')} width={440} mask={false} data-testid="dry-run">
      <Typography.Paragraph type="secondary">{t('dry.hint')}</Typography.Paragraph>
      {!saved && <Alert type="info" showIcon message={t('dry.saveFirst')} />}
      {workflow.entity && !entity && <Alert type="warning" showIcon message={t('dry.noEntity')} />}
      {schema && (
        <>
          <h3 className="dz-inspector__section">{t('dry.sample')}</h3>
          <Form
            schema={schema}
            formData={sample}
            validator={validator}
            onChange={(e) => setSample(e.formData as Record<string, unknown>)}
            showErrorList={false}
            idPrefix="sample"
            uiSchema={{ 'ui:submitButtonOptions': { norender: true } }}
          />
        </>
      )}
      <Space direction="vertical">
        <Checkbox checked={skipCondition} onChange={(e) => setSkipCondition(e.target.checked)}>
          {t('dry.skipCondition')}
        </Checkbox>
        <Space>
          <Button type="primary" onClick={() => void run()} loading={running} disabled={!saved} data-testid="dry-run-start">
            {t('dry.run')}
          </Button>
          {result && <Button onClick={() => onResult(undefined)}>{t('dry.clear')}</Button>}
        </Space>
      </Space>
      {error && <ErrorState title={t('dry.status.failed')} error={error} onRetry={() => void run()} />}
      {result && (
        <section className="dz-dry" aria-live="polite" data-testid="dry-result" data-status={result.status}>
          <h3 className="dz-inspector__section">
            <Tag className={statusClass(result.status)}>{t(`dry.status.${result.status}`)}</Tag>
          </h3>
          {result.failure && <Alert type="error" showIcon message={result.failure.code} description={result.failure.message} />}
          {result.steps.length === 0 ? (
            <Typography.Text type="secondary">{t('dry.noSteps')}</Typography.Text>
          ) : (
            <List
              size="small"
              dataSource={result.steps}
              renderItem={(s, i) => (
                <List.Item key={i} data-testid={`dry-step-${s.step}`}>
                  <div className="dz-dry__step">
                    <Space>
                      <strong>{stepName(s.step)}</strong>
                      <Tag className={statusClass(s.status)}>{t(`node.dry.${s.status}`)}</Tag>
                    </Space>
                    {s.error && (
                      <Typography.Text type="danger">
                        {s.error.code}: {s.error.message}
                      </Typography.Text>
                    )}
                    {s.output !== undefined && (
                      <pre className="dz-json" tabIndex={0}>
                        {JSON.stringify(s.output, null, 2)}
                      </pre>
                    )}
                  </div>
                </List.Item>
              )}
            />
          )}
        </section>
      )}
    </Drawer>
  );
}
