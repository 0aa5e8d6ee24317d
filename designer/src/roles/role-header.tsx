import type { Role } from '@metacrm/metadata';
import { Alert, Button, List, Space, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, EyeOutlined, LoadingOutlined, RedoOutlined, UndoOutlined, WarningOutlined } from '@ant-design/icons';
import { APP_HOME, Link, PREVIEW_ROLE_PARAM, navigate, useLocale, useT } from '@metacrm/ui-kit';
import { useDraftChanges } from '../api/queries';
import { href } from '../common/href';
import { labelOf } from '../common/labels';
import { DraftMarker } from '../common/marker';
import type { useDraftEditor } from '../common/use-draft-editor';
import { rolesMessages } from './roles.messages';

type Editor = ReturnType<typeof useDraftEditor<Role>>;

/**
 * The role's title and draft marker, the save state, undo / redo, "Preview as this
 * role" (the runtime UI in a new tab, read-only, as the published role), publish, and
 * the conflict or problems of the last save.
 */
export function RoleHeader({ role, published, editor }: { role: Role; published: Role | undefined; editor: Editor }) {
  const t = useT(rolesMessages);
  const { locale } = useLocale();
  const changes = useDraftChanges();
  const marker = published ? changes?.marker('roles', role.key) : 'added';
  const preview = () => window.open(`${APP_HOME.runtime}?${PREVIEW_ROLE_PARAM}=${encodeURIComponent(role.key)}`, '_blank', 'noopener');
  return (
    <>
      <header className="dz-workbench__header">
        <div>
          <Link href={href('/')} className="dz-back">
            ← {t('back')}
          </Link>
          <h1 className="mc-page__title" id="role-title">
            {t('title', { name: labelOf(role.label, locale, role.key) })}
            <DraftMarker change={marker} />
          </h1>
        </div>
        <Space wrap>
          <SaveState editor={editor} />
          <Tooltip title="Ctrl+Z">
            <Button icon={<UndoOutlined />} onClick={editor.undo} disabled={!editor.canUndo} data-testid="undo">
              {t('undo')}
            </Button>
          </Tooltip>
          <Tooltip title="Ctrl+Shift+Z">
            <Button icon={<RedoOutlined />} onClick={editor.redo} disabled={!editor.canRedo} data-testid="redo">
              {t('redo')}
            </Button>
          </Tooltip>
          <Tooltip title={!published ? t('preview.unpublished') : marker ? t('preview.changed') : undefined}>
            <Button icon={<EyeOutlined />} onClick={preview} disabled={!published} data-testid="role-preview">
              {t('preview')}
            </Button>
          </Tooltip>
          <Button type="primary" onClick={() => navigate(href('/publish'))} disabled={editor.status !== 'saved'} data-testid="role-publish">
            {t('publish')}
          </Button>
        </Space>
      </header>
      {editor.status === 'conflict' && (
        <Alert
          type="warning"
          showIcon
          data-testid="conflict"
          message={t('conflict.title')}
          description={t('conflict.description')}
          action={
            <Space direction="vertical">
              <Button size="small" onClick={() => void editor.reload()} data-testid="conflict-reload">
                {t('conflict.reload')}
              </Button>
              <Button size="small" danger onClick={() => void editor.overwrite()} data-testid="conflict-overwrite">
                {t('conflict.overwrite')}
              </Button>
            </Space>
          }
        />
      )}
      {editor.status === 'invalid' && editor.problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          data-testid="save-problems"
          message={t('save.invalid')}
          description={
            <List
              size="small"
              dataSource={editor.problems}
              renderItem={(p) => (
                <List.Item>
                  <code className="mc-code">{p.pointer}</code> {p.message}
                </List.Item>
              )}
            />
          }
        />
      )}
    </>
  );
}

function SaveState({ editor }: { editor: Editor }) {
  const t = useT(rolesMessages);
  const { status } = editor;
  if (status === 'saved')
    return (
      <Typography.Text className="dz-ok" data-testid="save-state" data-state="saved">
        <CheckCircleOutlined /> {t('save.saved')}
      </Typography.Text>
    );
  if (status === 'saving' || status === 'pending')
    return (
      <Typography.Text type="secondary" data-testid="save-state" data-state={status}>
        <LoadingOutlined /> {t(status === 'saving' ? 'save.saving' : 'save.pending')}
      </Typography.Text>
    );
  if (status === 'failed') {
    return (
      <Typography.Text type="danger" data-testid="save-state" data-state="failed">
        <WarningOutlined /> {t('save.failed', { code: editor.errorCode ?? '' })}{' '}
        <Button size="small" onClick={editor.retry}>
          {t('save.retry')}
        </Button>
      </Typography.Text>
    );
  }
  return (
    <Typography.Text type="danger" data-testid="save-state" data-state={status}>
      <WarningOutlined /> {status === 'invalid' ? t('save.invalid') : t('conflict.title')}
    </Typography.Text>
  );
}
