import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Input, List, Skeleton, Space } from 'antd';
import { useState } from 'react';
import { api, defineMessages, ErrorState, formatDateTime, Link, toApiError, useDocumentTitle, useLocale, useT } from '@metacrm/ui-kit';

const messages = defineMessages(
  {
    title: 'Approvals',
    empty: 'Nothing waits for your decision',
    approve: 'Approve',
    reject: 'Reject',
    comment: 'Comment (optional)',
    approved: 'Approved',
    rejected: 'Rejected',
    loadFailed: 'Could not load your approvals',
    openRecord: 'Open the record',
    since: 'Waiting since {time}',
  },
  {
    title: '审批',
    empty: '没有等待您决定的审批',
    approve: '批准',
    reject: '驳回',
    comment: '意见（可选）',
    approved: '已批准',
    rejected: '已驳回',
    loadFailed: '无法加载您的审批',
    openRecord: '打开记录',
    since: '自 {time} 起等待',
  },
);

interface Approval {
  id: string;
  title: string;
  entity?: string;
  recordId?: string;
  createdAt: string;
}

/** The signed-in user's pending approvals, each approved or rejected with an optional comment. */
export function ApprovalsPage() {
  const t = useT(messages);
  const { locale } = useLocale();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [comments, setComments] = useState<Record<string, string>>({});
  useDocumentTitle(`${t('title')} · metacrm`);
  const query = useQuery({
    queryKey: ['approvals'],
    queryFn: async ({ signal }) => await api.get<{ approvals: Approval[] }>('/api/approvals', { signal }),
  });
  const decide = async (approval: Approval, decision: 'approve' | 'reject') => {
    try {
      await api.post(`/api/approvals/${approval.id}/${decision}`, comments[approval.id] ? { comment: comments[approval.id] } : {});
      void message.success(decision === 'approve' ? t('approved') : t('rejected'));
    } catch (err) {
      void message.error(`${toApiError(err).code}: ${toApiError(err).message}`);
    }
    void client.invalidateQueries({ queryKey: ['approvals'] });
  };
  return (
    <section aria-labelledby="approvals-title">
      <header className="mc-page-header">
        <h1 id="approvals-title">{t('title')}</h1>
      </header>
      {query.error ? (
        <ErrorState title={t('loadFailed')} error={toApiError(query.error)} onRetry={() => void query.refetch()} />
      ) : !query.data ? (
        <Skeleton active />
      ) : query.data.approvals.length === 0 ? (
        <Empty description={t('empty')} />
      ) : (
        <List
          dataSource={query.data.approvals}
          renderItem={(a) => (
            // Each card in its own list item: a <ul> holds only <li> (axe "list").
            <List.Item className="mc-approval-item">
              <Card size="small" className="mc-approval" data-testid="approval">
                <h2 className="mc-approval__title">{a.title}</h2>
                <p className="mc-muted">{t('since', { time: formatDateTime(new Date(a.createdAt), locale) })}</p>
                {a.entity && a.recordId && <Link href={`/e/${a.entity}?open=${a.recordId}`}>{t('openRecord')}</Link>}
                <Space wrap className="mc-approval__actions">
                  <Input
                    aria-label={t('comment')}
                    placeholder={t('comment')}
                    value={comments[a.id] ?? ''}
                    onChange={(e) => setComments({ ...comments, [a.id]: e.target.value })}
                  />
                  <Button type="primary" onClick={() => void decide(a, 'approve')}>
                    {t('approve')}
                  </Button>
                  <Button danger onClick={() => void decide(a, 'reject')}>
                    {t('reject')}
                  </Button>
                </Space>
              </Card>
            </List.Item>
          )}
        />
      )}
    </section>
  );
}
