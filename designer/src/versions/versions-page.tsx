import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Select, Skeleton, Space, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { ErrorState, formatDateTime, toApiError, useDocumentTitle, useLocale, useT } from '@metacrm/ui-kit';
import type { PublishResult, VersionSummary } from '../api/meta-api';
import { metaApi } from '../api/meta-api';
import { useRefreshMeta, useVersions } from '../api/queries';
import { DiffView } from '../publish/diff-view';
import { RollbackDialog } from './rollback-dialog';
import { versionMessages } from './versions.messages';

/** The version history: every publish, a side-by-side diff of any two versions, and rollback. */
export function VersionsPage() {
  const t = useT(versionMessages);
  const { locale } = useLocale();
  const versions = useVersions();
  const refresh = useRefreshMeta();
  const list = versions.data?.versions ?? [];
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const [rollingBack, setRollingBack] = useState<number>();
  const [rolledBack, setRolledBack] = useState<PublishResult & { from: number }>();
  useDocumentTitle(t('title'));
  useEffect(() => {
    // By default: what the latest publish changed.
    if (list.length > 0 && to === undefined) {
      setTo(list[0]!.version);
      setFrom(list[0]!.version - 1);
    }
  }, [list, to]);
  const diff = useQuery({
    queryKey: ['meta', 'diff', from, to],
    queryFn: () => metaApi.diff(from!, to!),
    enabled: from !== undefined && to !== undefined && from !== to,
  });
  const choices = [
    ...list.map((v) => ({ value: v.version, label: `${t('version')} ${v.version}` })),
    { value: 0, label: `${t('version')} 0` },
  ];

  return (
    <section className="mc-page" aria-labelledby="versions-title" data-testid="versions-page">
      <header className="mc-page__header">
        <div>
          <h1 className="mc-page__title" id="versions-title">
            {t('title')}
          </h1>
          <p className="mc-page__subtitle">{t('subtitle')}</p>
        </div>
      </header>
      {rolledBack && (
        <Alert
          type="success"
          showIcon
          message={t('rollbackDone', { version: rolledBack.version, from: rolledBack.from })}
          data-testid="rollback-done"
        />
      )}
      {versions.error && <ErrorState title={t('loadFailed')} error={toApiError(versions.error)} onRetry={() => void versions.refetch()} />}
      {versions.isPending && <Skeleton active />}
      {versions.data && (
        <Table<VersionSummary>
          size="small"
          rowKey="version"
          data-testid="versions"
          dataSource={list}
          pagination={list.length > 20 ? { pageSize: 20 } : false}
          locale={{ emptyText: t('empty') }}
          columns={[
            {
              title: t('version'),
              dataIndex: 'version',
              render: (v: number, row) => (
                <>
                  {v} {row === list[0] && <Tag className="dz-tag-strong">{t('current')}</Tag>}
                </>
              ),
            },
            { title: t('when'), dataIndex: 'createdAt', render: (at: string) => formatDateTime(new Date(at), locale) },
            { title: t('who'), key: 'who', render: (_, v) => v.createdBy.name ?? v.createdBy.id },
            {
              title: t('note'),
              key: 'note',
              render: (_, v) => (
                <>
                  {v.message}
                  {v.rollbackOf ? ` (${t('rollbackOf', { version: v.rollbackOf })})` : ''}
                </>
              ),
            },
            {
              title: t('summary'),
              key: 'summary',
              render: (_, v) => t('summaryText', { added: v.summary.added, changed: v.summary.changed, removed: v.summary.removed }),
            },
            {
              title: '',
              key: 'actions',
              render: (_, v) =>
                v === list[0] ? null : (
                  <Button size="small" onClick={() => setRollingBack(v.version)} data-testid={`rollback-${v.version}`}>
                    {t('rollback')}
                  </Button>
                ),
            },
          ]}
        />
      )}
      {list.length > 0 && (
        <section aria-labelledby="compare-title">
          <h2 className="mc-section-title" id="compare-title">
            {t('compare')}
          </h2>
          <Space wrap className="dz-compare">
            <Select
              aria-label={t('from')}
              value={from}
              onChange={setFrom}
              options={choices}
              className="dz-compare__select"
              data-testid="diff-from"
            />
            <span aria-hidden="true">→</span>
            <Select
              aria-label={t('to')}
              value={to}
              onChange={setTo}
              options={choices}
              className="dz-compare__select"
              data-testid="diff-to"
            />
          </Space>
          {from === to && <Alert type="info" message={t('same')} />}
          {diff.error && <ErrorState compact title={t('loadFailed')} error={toApiError(diff.error)} />}
          {diff.data && from !== to && <DiffView diff={diff.data} testId="versions-diff" />}
        </section>
      )}
      {rollingBack !== undefined && (
        <RollbackDialog
          version={rollingBack}
          onClose={() => setRollingBack(undefined)}
          onDone={(result) => {
            setRolledBack({ ...result, from: rollingBack });
            setRollingBack(undefined);
            setTo(undefined);
            void refresh();
          }}
        />
      )}
    </section>
  );
}
