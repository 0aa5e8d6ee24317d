import type { Problem } from '@metacrm/metadata';
import { Alert, Button, List, Space, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, LoadingOutlined, RedoOutlined, UndoOutlined, WarningOutlined } from '@ant-design/icons';
import { navigate, useT } from '@metacrm/ui-kit';
import { editorMessages } from './editor.messages';
import { href } from './href';
import type { SaveStatus } from './use-draft-editor';

/** What EditorActions and EditorAlerts read of a useDraftEditor. */
export interface EditorState {
  status: SaveStatus;
  problems: Problem[];
  errorCode: string | undefined;
  canUndo: boolean;
  canRedo: boolean;
  undo: () => void;
  redo: () => void;
  reload: () => Promise<void>;
  overwrite: () => Promise<void>;
  retry: () => void;
}

/** The save state, undo / redo and publish, for a designer's header. */
export function EditorActions({ editor }: { editor: EditorState }) {
  const t = useT(editorMessages);
  return (
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
      <Button type="primary" onClick={() => navigate(href('/publish'))} disabled={editor.status !== 'saved'} data-testid="item-publish">
        {t('publish')}
      </Button>
    </Space>
  );
}

/** The conflict of the last save (reload theirs or save mine), or the problems that refused it. */
export function EditorAlerts({ editor }: { editor: EditorState }) {
  const t = useT(editorMessages);
  if (editor.status === 'conflict') {
    return (
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
    );
  }
  if (editor.status !== 'invalid' || editor.problems.length === 0) return null;
  return (
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
  );
}

function SaveState({ editor }: { editor: EditorState }) {
  const t = useT(editorMessages);
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
