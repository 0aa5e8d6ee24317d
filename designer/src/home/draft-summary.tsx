import { ITEM_KINDS } from '@metacrm/metadata';
import { Button, Card, List, Space, Tag, Typography } from 'antd';
import { CheckCircleOutlined } from '@ant-design/icons';
import { ErrorState, formatDateTime, navigate, toApiError, useLocale, useT } from '@metacrm/ui-kit';
import { href } from '../common/href';
import { useDraftChanges, useValidation, useVersions } from '../api/queries';
import { designerMessages } from '../designer.messages';

/**
 * The state of the draft at a glance: unpublished changes per kind, the problems that
 * would stop a publish (validated by the server on demand), and the last publish.
 */
export function DraftSummary() {
  const t = useT(designerMessages);
  const { locale } = useLocale();
  const changes = useDraftChanges();
  const validation = useValidation();
  const versions = useVersions();
  const last = versions.data?.versions[0];
  const problems = validation.data?.problems ?? [];
  return (
    <div className="dz-summary" data-testid="draft-summary">
      <Card size="small" title={t('draft.changes')} data-testid="draft-changes">
        {changes && changes.diff.changes.length === 0 && <Typography.Text type="secondary">{t('draft.noChanges')}</Typography.Text>}
        <Space wrap>
          {ITEM_KINDS.filter((kind) => changes?.perKind[kind]).map((kind) => (
            <Tag key={kind} data-testid={`changes-${kind}`}>
              {t(`kind.${kind}`)}: {changes?.perKind[kind]}
            </Tag>
          ))}
        </Space>
        <div className="dz-summary__actions">
          <Button type="primary" onClick={() => navigate(href('/publish'))} data-testid="go-publish">
            {t('draft.review')}
          </Button>
        </div>
      </Card>
      <Card
        size="small"
        title={t('draft.problems')}
        extra={
          <Button size="small" onClick={() => void validation.refetch()} loading={validation.isFetching} data-testid="validate">
            {t('draft.validate')}
          </Button>
        }
        data-testid="draft-problems"
      >
        {validation.error && <ErrorState compact title={t('draft.loadFailed')} error={toApiError(validation.error)} />}
        {validation.data && problems.length === 0 && (
          <Typography.Text className="dz-ok">
            <CheckCircleOutlined /> {t('draft.noProblems')}
          </Typography.Text>
        )}
        {problems.length > 0 && (
          <>
            <Typography.Text type="danger">{t('draft.problemCount', { count: problems.length })}</Typography.Text>
            <List
              size="small"
              dataSource={problems.slice(0, 5)}
              renderItem={(p) => (
                <List.Item>
                  <code className="mc-code">{p.pointer}</code> {p.message}
                </List.Item>
              )}
            />
          </>
        )}
      </Card>
      <Card size="small" title={t('draft.lastPublish')} data-testid="last-publish">
        {versions.data && !last && <Typography.Paragraph type="secondary">{t('draft.never')}</Typography.Paragraph>}
        {last && (
          <Typography.Paragraph className="dz-summary__last">
            {t('draft.version', {
              version: last.version,
              when: formatDateTime(new Date(last.createdAt), locale),
              who: last.createdBy.name ?? last.createdBy.id,
            })}
            {last.message && (
              <>
                <br />
                <Typography.Text type="secondary">{last.message}</Typography.Text>
              </>
            )}
          </Typography.Paragraph>
        )}
        <Button onClick={() => navigate(href('/versions'))} data-testid="go-versions">
          {t('draft.history')}
        </Button>
      </Card>
    </div>
  );
}
