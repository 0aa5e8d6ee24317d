import { InboxOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Progress, Select, Space, Steps, Table, Upload } from 'antd';
import { useState, type ReactNode } from 'react';
import {
  api,
  EmptyState,
  ErrorState,
  navigate,
  toApiError,
  useDocumentTitle,
  useLocale,
  useT,
  type ApiError,
  type Translate,
  entityTitle,
  label,
} from '@metacrm/ui-kit';
import { importableFields, suggestMapping } from './import-mapping';
import { importMessages } from './import.messages';
import { type UserEntity } from '@metacrm/metadata';

interface Preview {
  fileName: string;
  format: string;
  headers: string[];
  total: number;
}
interface ImportJob {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  dryRun: boolean;
  total: number;
  processed: number;
  created: number;
  updated: number;
  failed: number;
  progress: number;
  errors: { row: number; column?: string; field?: string; code: string; message: string }[];
  failure: { code: string; message: string } | null;
}
type File64 = { name: string; contentBase64: string };

const FINISHED = new Set(['completed', 'failed', 'cancelled']);

/** A file's bytes as base64, as the import API takes them. */
async function readBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** An import job, polled while it runs (the job's own progress). */
function useImportJob(entity: string, id: string | undefined) {
  return useQuery({
    queryKey: ['import', entity, id],
    enabled: id !== undefined,
    queryFn: async ({ signal }) => await api.get<ImportJob>(`/api/records/${encodeURIComponent(entity)}/imports/${id}`, { signal }),
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : 500),
  });
}

/**
 * The import wizard: upload a CSV or XLSX file, map its columns to fields (suggested
 * from the headers), check every row in a dry run, then import with a progress bar and
 * the result. Every step goes through the import API, which runs each row through the
 * record pipeline; the server refuses what the user may not write.
 */
export function ImportPage({ entity }: { entity: UserEntity }) {
  const t = useT(importMessages);
  const { locale } = useLocale();
  const title = t('title', { entity: entityTitle(entity, locale) });
  useDocumentTitle(`${title} · metacrm`);
  const fields = importableFields(entity);
  const [file, setFile] = useState<File64>();
  const [preview, setPreview] = useState<Preview>();
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [suggested, setSuggested] = useState<Record<string, string | null>>({});
  const [dryRunId, setDryRunId] = useState<string>();
  const [runId, setRunId] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const dryRun = useImportJob(entity.key, dryRunId);
  const run = useImportJob(entity.key, runId);
  const base = `/api/records/${encodeURIComponent(entity.key)}`;

  const call = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await fn();
    } catch (err) {
      setError(toApiError(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  const choose = async (chosen: File) => {
    const next = { name: chosen.name, contentBase64: await readBase64(chosen) };
    const answer = await call(() => api.post<Preview>(`${base}/import/preview`, { file: next, mapping: {} }, { timeoutMs: 60_000 }));
    if (!answer) return;
    const guess = suggestMapping(answer.headers, fields);
    setFile(next);
    setPreview(answer);
    setMapping(guess);
    setSuggested(guess);
    setDryRunId(undefined);
    setRunId(undefined);
  };
  const start = async (asDryRun: boolean) => {
    const job = await call(() => api.post<ImportJob>(`${base}/import`, { file, mapping, dryRun: asDryRun }, { timeoutMs: 60_000 }));
    if (job) (asDryRun ? setDryRunId : setRunId)(job.id);
  };

  if (!entity.rights.create) return <EmptyState title={t('noPermission')} />;
  const step = runId ? 3 : dryRunId ? 2 : preview ? 1 : 0;
  const mapped = Object.values(mapping).filter((v) => v !== null).length;
  const checked = dryRun.data && FINISHED.has(dryRun.data.status) ? dryRun.data : undefined;
  const fieldOptions = [{ value: '', label: t('ignore') }, ...fields.map((f) => ({ value: f.key, label: label(f.label, locale, f.key) }))];
  return (
    <section className="mc-import" aria-labelledby="import-title">
      <header className="mc-page-header">
        <h1 id="import-title">{title}</h1>
      </header>
      <Steps
        current={step}
        size="small"
        className="mc-import__steps"
        items={[{ title: t('upload') }, { title: t('map') }, { title: t('check') }, { title: t('result') }]}
      />
      {error && <ErrorState title={error.code} error={error} compact />}
      {step === 0 && (
        <Upload.Dragger
          accept=".csv,.xlsx"
          showUploadList={false}
          disabled={busy}
          beforeUpload={(chosen) => {
            void choose(chosen);
            return false;
          }}
          data-testid="import-upload"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p>{t('drop')}</p>
          <p className="mc-muted">{t('dropHint')}</p>
        </Upload.Dragger>
      )}
      {step === 1 && preview && (
        <Space direction="vertical" size="middle" className="mc-import__body">
          <p>
            <strong>{preview.fileName}</strong> · {t('rows', { n: preview.total })}
          </p>
          <Table
            size="small"
            pagination={false}
            rowKey="header"
            dataSource={preview.headers.map((header) => ({ header }))}
            columns={[
              { key: 'column', title: t('column'), dataIndex: 'header' },
              {
                key: 'field',
                title: t('field'),
                render: (_: unknown, { header }: { header: string }) => (
                  <Space>
                    <Select
                      aria-label={`${t('field')}: ${header}`}
                      value={mapping[header] ?? ''}
                      options={fieldOptions}
                      style={{ minWidth: 200 }}
                      onChange={(v: string) => setMapping((m) => ({ ...m, [header]: v || null }))}
                      data-testid={`import-map-${header}`}
                    />
                    {suggested[header] && suggested[header] === mapping[header] && <span className="mc-muted">{t('suggested')}</span>}
                  </Space>
                ),
              },
            ]}
          />
          {mapped === 0 && <Alert type="warning" showIcon message={t('nothingMapped')} />}
          <Space>
            <Button onClick={() => setPreview(undefined)}>{t('back')}</Button>
            <Button type="primary" disabled={mapped === 0} loading={busy} onClick={() => void start(true)} data-testid="import-dry-run">
              {t('dryRun')}
            </Button>
          </Space>
        </Space>
      )}
      {step === 2 && (
        <JobReport job={dryRun.data} t={t} working={t('checking')}>
          {checked && (
            <Space>
              <Button onClick={() => setDryRunId(undefined)}>{t('back')}</Button>
              <Button
                type="primary"
                disabled={checked.status !== 'completed' || checked.created === 0}
                loading={busy}
                onClick={() => void start(false)}
                data-testid="import-start"
              >
                {t('startImport', { n: checked.created })}
              </Button>
            </Space>
          )}
        </JobReport>
      )}
      {step === 3 && (
        <JobReport job={run.data} t={t} working={t('importing')}>
          {run.data && FINISHED.has(run.data.status) && (
            <Space>
              <Button type="primary" onClick={() => navigate(`/e/${entity.key}`)} data-testid="import-open-list">
                {t('openList')}
              </Button>
              <Button
                onClick={() => {
                  setPreview(undefined);
                  setDryRunId(undefined);
                  setRunId(undefined);
                  setFile(undefined);
                }}
              >
                {t('another')}
              </Button>
            </Space>
          )}
        </JobReport>
      )}
    </section>
  );
}

function JobReport({
  job,
  t,
  working,
  children,
}: {
  job: ImportJob | undefined;
  t: Translate<keyof (typeof importMessages)['en'] & string>;
  working: string;
  children: ReactNode;
}) {
  const finished = job !== undefined && FINISHED.has(job.status);
  const percent = Math.round((job?.progress ?? 0) * 100);
  return (
    <Space
      direction="vertical"
      size="middle"
      className="mc-import__body"
      data-testid={job?.dryRun ? 'import-dry-run-report' : 'import-result'}
    >
      <Progress
        percent={percent}
        status={job?.status === 'failed' ? 'exception' : finished ? 'success' : 'active'}
        aria-label={working}
        data-testid="import-progress"
      />
      {!finished && <p aria-live="polite">{working}</p>}
      {job?.failure && <Alert type="error" showIcon message={t('failedJob')} description={`${job.failure.code}: ${job.failure.message}`} />}
      {finished && job.dryRun && (
        <p aria-live="polite" data-testid="import-summary">
          <strong>{t('wouldCreate', { n: job.created + job.updated })}</strong> · {t('problems', { n: job.failed })}
        </p>
      )}
      {finished && !job.dryRun && (
        <p aria-live="polite" data-testid="import-summary">
          <strong>{t('done')}</strong> · {t('created', { n: job.created })} · {t('updated', { n: job.updated })} ·{' '}
          {t('failed', { n: job.failed })}
        </p>
      )}
      {finished && job.errors.length > 0 && (
        <Table
          size="small"
          rowKey={(e) => `${e.row}-${e.field ?? e.column ?? ''}-${e.code}`}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          dataSource={job.errors}
          data-testid="import-errors"
          columns={[
            { key: 'row', title: t('row'), dataIndex: 'row', width: 80 },
            { key: 'column', title: t('column'), render: (_: unknown, e: ImportJob['errors'][number]) => e.column ?? e.field ?? '' },
            {
              key: 'message',
              title: t('problem'),
              render: (_: unknown, e: ImportJob['errors'][number]) => (
                <>
                  <code className="mc-code">{e.code}</code> {e.message}
                </>
              ),
            },
          ]}
        />
      )}
      {children}
    </Space>
  );
}
