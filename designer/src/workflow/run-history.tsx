import type { Workflow } from '@metacrm/metadata';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Drawer, Select, Skeleton, Space, Table, Tag, Typography, message } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { EmptyState, ErrorState, formatDateTime, formatLatency, toApiError, useDocumentTitle, useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { statusClass } from './run-status';
import { RUN_STATUSES, workflowApi, type RunStatus, type RunSummary } from './workflow-api';
import { WorkflowHeader } from './workflow-header';
import { workflowMessages } from './workflow.messages';

/** The status filter lives in the URL (`?status=failed`), so a link reproduces the list. */
function useStatusParam(): [RunStatus | undefined, (s: RunStatus | undefined) => void] {
  const read = () => {
    const s = new URLSearchParams(window.location.search).get('status');
    return RUN_STATUSES.includes(s as RunStatus) ? (s as RunStatus) : undefined;
  };
  const [status, setStatus] = useState(read);
  return [
    status,
    (next) => {
      const url = new URL(window.location.href);
      if (next) url.searchParams.set('status', next);
      else url.searchParams.delete('status');
      window.history.replaceState(window.history.state, '', url);
      setStatus(next);
    },
  ];
}

/**
 * The workflow's runs, newest first, filtered by status (failed is the dead-letter
 * list), paged by "older runs"; a run opens with its per-step log, and a failed one can
 * be retried from the step that failed.
 */
export function RunHistory({ workflow }: { workflow: Workflow }) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const [status, setStatus] = useStatusParam();
  const [open, setOpen] = useState<string>();
  useDocumentTitle(`${t('runs.title')} · ${labelOf(workflow.label, locale, workflow.key)}`);
  const runs = useInfiniteQuery({
    queryKey: ['workflow-runs', workflow.key, status],
    queryFn: ({ pageParam }) => workflowApi.runs({ workflow: workflow.key, status, before: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next ?? undefined,
  });
  const rows = runs.data?.pages.flatMap((p) => p.runs) ?? [];
  return (
    <section className="dz-designer" aria-labelledby="workflow-title" data-testid="run-history">
      <WorkflowHeader workflow={workflow} tab="runs" />
      <Space wrap className="dz-list__toolbar">
        <Select
          aria-label={t('runs.status')}
          value={status ?? 'all'}
          onChange={(s: string) => setStatus(s === 'all' ? undefined : (s as RunStatus))}
          options={[{ value: 'all', label: t('runs.all') }, ...RUN_STATUSES.map((s) => ({ value: s, label: t(`run.${s}`) }))]}
          className="dz-compare__select"
          data-testid="runs-status"
        />
        <Button icon={<ReloadOutlined />} onClick={() => void runs.refetch()} loading={runs.isFetching} data-testid="runs-refresh">
          {t('runs.refresh')}
        </Button>
      </Space>
      {runs.error && <ErrorState title={t('runs.title')} error={toApiError(runs.error)} onRetry={() => void runs.refetch()} />}
      {runs.isPending && <Skeleton active />}
      {runs.data && rows.length === 0 && <EmptyState title={t('runs.empty')} />}
      {rows.length > 0 && (
        <Table<RunSummary>
          size="small"
          rowKey="id"
          dataSource={rows}
          pagination={false}
          scroll={{ x: 720 }}
          columns={[
            {
              title: t('runs.started'),
              key: 'started',
              render: (_, r) => (
                <Button type="link" onClick={() => setOpen(r.id)} data-testid="run-open" data-run={r.id}>
                  {formatDateTime(new Date(r.createdAt), locale)}
                </Button>
              ),
            },
            {
              title: t('runs.status'),
              key: 'status',
              render: (_, r) => (
                <Tag className={statusClass(r.status)} data-testid="run-status">
                  {t(`run.${r.status}`)}
                </Tag>
              ),
            },
            {
              title: t('runs.record'),
              key: 'record',
              render: (_, r) => (r.trigger.recordId ? <code className="mc-code">{r.trigger.recordId}</code> : ''),
            },
            { title: t('runs.by'), key: 'by', render: (_, r) => r.trigger.actor.name },
            {
              title: t('runs.failure'),
              key: 'failure',
              render: (_, r) =>
                r.failure ? (
                  <Typography.Text type="danger">
                    {r.failure.step ? `${r.failure.step}: ` : ''}
                    {r.failure.code}
                  </Typography.Text>
                ) : (
                  ''
                ),
            },
          ]}
        />
      )}
      {runs.hasNextPage && (
        <Button onClick={() => void runs.fetchNextPage()} loading={runs.isFetchingNextPage}>
          {t('runs.more')}
        </Button>
      )}
      {open && <RunDrawer id={open} onClose={() => setOpen(undefined)} locale={locale} />}
    </section>
  );
}

/** One run: its status, failure, and each step's attempt, timing, output or error; a failed run's retry. */
function RunDrawer({ id, onClose, locale }: { id: string; onClose: () => void; locale: 'en' | 'zh-CN' }) {
  const t = useT(workflowMessages);
  const client = useQueryClient();
  const run = useQuery({ queryKey: ['workflow-run', id], queryFn: () => workflowApi.run(id) });
  const [retrying, setRetrying] = useState(false);
  const retry = async () => {
    setRetrying(true);
    try {
      await workflowApi.retry(id);
      void message.success(t('runs.retried'));
      await client.invalidateQueries({ queryKey: ['workflow-run', id] });
      await client.invalidateQueries({ queryKey: ['workflow-runs'] });
    } catch (err) {
      void message.error(toApiError(err).message);
    } finally {
      setRetrying(false);
    }
  };
  const detail = run.data;
  return (
    <Drawer
      open
      onClose={onClose}
      width={560}
      title={
        detail ? (
          <Space>
            <span>{formatDateTime(new Date(detail.createdAt), locale)}</span>
            <Tag className={statusClass(detail.status)}>{t(`run.${detail.status}`)}</Tag>
          </Space>
        ) : (
          id
        )
      }
      data-testid="run-detail"
    >
      {run.error && <ErrorState title={t('runs.title')} error={toApiError(run.error)} onRetry={() => void run.refetch()} />}
      {!detail && !run.error && <Skeleton active />}
      {detail && (
        <>
          {detail.failure && (
            <Alert
              type="error"
              showIcon
              message={`${detail.failure.step ?? ''} ${detail.failure.code}`}
              description={detail.failure.message}
              action={
                detail.status === 'failed' ? (
                  <Button danger onClick={() => void retry()} loading={retrying} data-testid="run-retry">
                    {t('runs.retry')}
                  </Button>
                ) : undefined
              }
            />
          )}
          <h3 className="dz-inspector__section">{t('runs.log')}</h3>
          <ol className="dz-runlog" data-testid="run-log">
            {detail.log.map((entry, i) => (
              <li key={i} className="dz-runlog__entry" data-testid={`log-${entry.step}`}>
                <Space wrap>
                  <strong>{entry.step}</strong>
                  <code className="mc-code">{entry.type}</code>
                  <Tag className={statusClass(entry.status)}>{t(`node.dry.${entry.status}`)}</Tag>
                  <span>
                    {t('runs.attempt')} {entry.attempt}
                  </span>
                  <span>{formatLatency(new Date(entry.finishedAt).getTime() - new Date(entry.startedAt).getTime(), locale)}</span>
                </Space>
                {entry.error && (
                  <Typography.Paragraph type="danger">
                    {entry.error.code}: {entry.error.message}
                  </Typography.Paragraph>
                )}
                {entry.output !== undefined && (
                  <pre className="dz-json" tabIndex={0} aria-label={t('runs.output')}>
                    {JSON.stringify(entry.output, null, 2)}
                  </pre>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </Drawer>
  );
}
