import type { ItemKind } from '@metacrm/metadata';
import { Alert, Button, List, Space, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, LoadingOutlined, RedoOutlined, UndoOutlined, WarningOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import { Link, navigate, useT } from '@metacrm/ui-kit';
import { href } from '../common/href';
import { DraftMarker } from '../common/marker';
import type { DraftEditor } from '../common/use-draft-editor';
import { useDraftChanges } from '../api/queries';
import { entityMessages } from './entity.messages';

type Editor = DraftEditor;

export interface WorkbenchHeaderProps {
  /** The page title (an `h1` with id `titleId`, which the page's section is labelled by). */
  title: ReactNode;
  titleId: string;
  /** The item, for its draft marker; `published` false shows it as new. */
  item: { kind: ItemKind; key: string; published: boolean };
  /** Where the back link goes and what it says. */
  back?: { href: string; label: string };
  /** Extra buttons before publish (a preview, say). */
  extra?: ReactNode;
  editor: Editor;
}

/** A designer's title and draft marker, the save state, undo / redo, publish, and the conflict or problems of the last save. */
export function WorkbenchHeader({ title, titleId, item, back, extra, editor }: WorkbenchHeaderProps) {
  const t = useT(entityMessages);
  const changes = useDraftChanges();
  return (
    <>
      <header className="dz-workbench__header">
        <div>
          <Link href={back?.href ?? href('/')} className="dz-back">
            ← {back?.label ?? t('back')}
          </Link>
          <h1 className="mc-page__title" id={titleId}>
            {title}
            <DraftMarker change={item.published ? changes?.marker(item.kind, item.key) : 'added'} />
          </h1>
        </div>
        <Space wrap>
          {extra}
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
          <Button
            type="primary"
            onClick={() => navigate(href('/publish'))}
            disabled={editor.status !== 'saved'}
            data-testid="entity-publish"
          >
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
  const t = useT(entityMessages);
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
