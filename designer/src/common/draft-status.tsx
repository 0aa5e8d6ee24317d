import { Alert, Button, List, Space, Typography } from 'antd';
import { CheckCircleOutlined, LoadingOutlined, WarningOutlined } from '@ant-design/icons';
import type { DraftEditor } from './use-draft-editor';

/** The messages the save state and its alerts need, from the page's own message set (each page names its item). */
export type SaveKey =
  | 'save.saving'
  | 'save.saved'
  | 'save.pending'
  | 'save.invalid'
  | 'save.failed'
  | 'save.retry'
  | 'conflict.title'
  | 'conflict.description'
  | 'conflict.reload'
  | 'conflict.overwrite';
type T = (key: SaveKey, vars?: Record<string, string | number>) => string;

/** Where the autosave stands: saved, pending, saving, refused (with a retry) or in conflict. */
export function SaveState({ editor, t }: { editor: DraftEditor<unknown>; t: T }) {
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

/** The conflict's choice (load theirs, or save mine over it), and the problems of a refused save. */
export function SaveAlerts({ editor, t }: { editor: DraftEditor<unknown>; t: T }) {
  return (
    <>
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
