import type { Problem } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Input, List, Skeleton, Space, Typography } from 'antd';
import { useState } from 'react';
import { ErrorState, toApiError, useDocumentTitle, useT, type ApiError } from '@metacrm/ui-kit';
import { metaApi, type PublishResult } from '../api/meta-api';
import { useRefreshMeta } from '../api/queries';
import { DiffView } from './diff-view';
import { MigrationPreview } from './migration-preview';
import { publishMessages } from './publish.messages';

/**
 * Publish: the server's dry run of the draft (its problems, or the diff and the
 * migration preview), a note for the history, the explicit choice to accept losing
 * values that will not convert, then the publish itself.
 */
export function PublishPage() {
  const t = useT(publishMessages);
  const refresh = useRefreshMeta();
  const preview = useQuery({
    queryKey: ['meta', 'publish-preview'],
    queryFn: () => metaApi.publish({ dryRun: true }),
    staleTime: 0,
    retry: false,
    placeholderData: undefined,
  });
  const [message, setMessage] = useState('');
  const [accept, setAccept] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<PublishResult>();
  const [failure, setFailure] = useState<ApiError>();
  useDocumentTitle(t('publish.title'));

  const problems = problemsOf(preview.error);
  const result = preview.data;
  const blocking = result?.migrations.some((m) => m.preview.blocking) ?? false;
  const empty = result !== undefined && result.diff.changes.length === 0;

  const publish = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      setDone(await metaApi.publish({ dryRun: false, message: message.trim() || undefined, acceptDataLoss: accept }));
      setAccept(false);
      setMessage('');
      await refresh();
    } catch (err) {
      setFailure(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="mc-page dz-publish" aria-labelledby="publish-title" data-testid="publish-page">
      <header className="mc-page__header">
        <div>
          <h1 className="mc-page__title" id="publish-title">
            {t('publish.title')}
          </h1>
          {result && <p className="mc-page__subtitle">{t('publish.subtitle', { version: result.version })}</p>}
        </div>
        <Button onClick={() => void preview.refetch()} disabled={preview.isFetching} data-testid="publish-refresh">
          {t('publish.refresh')}
        </Button>
      </header>
      {done && <Alert type="success" showIcon message={t('publish.done', { version: done.version })} data-testid="publish-done" />}
      {failure && <ErrorState title={t('publish.failed')} error={failure} />}
      {preview.isPending && <Skeleton active />}
      {problems && (
        <section aria-labelledby="problems-title">
          <h2 className="mc-section-title" id="problems-title">
            {t('publish.problems')}
          </h2>
          <List
            size="small"
            bordered
            data-testid="publish-problems"
            dataSource={problems}
            renderItem={(p) => (
              <List.Item>
                <code className="mc-code">{p.pointer}</code> {p.message}
              </List.Item>
            )}
          />
        </section>
      )}
      {preview.error && !problems && (
        <ErrorState title={t('publish.loadFailed')} error={toApiError(preview.error)} onRetry={() => void preview.refetch()} />
      )}
      {result && empty && !done && <Typography.Paragraph data-testid="publish-nothing">{t('publish.nothing')}</Typography.Paragraph>}
      {result && !empty && (
        <>
          <section aria-labelledby="diff-title">
            <h2 className="mc-section-title" id="diff-title">
              {t('publish.diff')}
            </h2>
            <DiffView diff={result.diff} />
          </section>
          <section aria-labelledby="migrations-title">
            <h2 className="mc-section-title" id="migrations-title">
              {t('publish.migrations')}
            </h2>
            <MigrationPreview migrations={result.migrations} />
          </section>
          {result.warnings.length > 0 && (
            <Alert type="warning" showIcon message={t('publish.warnings')} description={result.warnings.map((w) => w.message).join(' ')} />
          )}
          <Space direction="vertical" className="dz-publish__form">
            <label htmlFor="publish-message">{t('publish.message')}</label>
            <Input.TextArea
              id="publish-message"
              value={message}
              onChange={(e) => setMessage(e.target.value)}
              maxLength={500}
              rows={2}
              data-testid="publish-message"
            />
            {blocking && (
              <Alert
                type="warning"
                showIcon
                message={t('publish.acceptHint')}
                description={
                  <Checkbox checked={accept} onChange={(e) => setAccept(e.target.checked)} data-testid="accept-loss">
                    {t('publish.accept')}
                  </Checkbox>
                }
              />
            )}
            <Button
              type="primary"
              size="large"
              loading={busy}
              disabled={blocking && !accept}
              onClick={() => void publish()}
              data-testid="publish-go"
            >
              {t('publish.go', { version: result.version })}
            </Button>
          </Space>
        </>
      )}
    </section>
  );
}

/** The problems of a 422 METADATA_INVALID answer, if that is what the dry run said. */
function problemsOf(error: unknown): Problem[] | undefined {
  if (!error) return undefined;
  const apiError = toApiError(error);
  if (apiError.code !== 'METADATA_INVALID') return undefined;
  return (apiError.details as { problems?: Problem[] } | undefined)?.problems ?? [];
}
