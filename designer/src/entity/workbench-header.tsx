import type { Entity } from '@metacrm/metadata';
import { Alert, Button, List, Space, Tooltip, Typography } from 'antd';
import { CheckCircleOutlined, LoadingOutlined, RedoOutlined, UndoOutlined, WarningOutlined } from '@ant-design/icons';
import { Link, navigate, useLocale, useT } from '@metacrm/ui-kit';
import { href } from '../common/href';
import { labelOf } from '../common/labels';
import { DraftMarker } from '../common/marker';
import { useDraftChanges } from '../api/queries';
import { entityMessages } from './entity.messages';
import type { useEntityEditor } from './use-entity-editor';

type Editor = ReturnType<typeof useEntityEditor>;

/** The entity's title and draft marker, the save state, undo / redo, publish, and the conflict or problems of the last save. */
export function WorkbenchHeader({ entity, published, editor }: { entity: Entity; published: Entity | undefined; editor: Editor }) {
  const t = useT(entityMessages);
  const { locale } = useLocale();
  const changes = useDraftChanges();
  return (
    <>
      <header className="dz-workbench__header">
        <div>
          <Link href={href('/')} className="dz-back">← {t('back')}</Link>
          <Link href={href(`/entities/${entity.key}/views`)} className="dz-back dz-views-link" data-testid="entity-views">{t('views')}</Link>
          <h1 className="mc-page__title" id="entity-title">
            {t('title', { name: labelOf(entity.label, locale, entity.key) })}
            <DraftMarker change={published ? changes?.marker('entities', entity.key) : 'added'} />
          </h1>
        </div>
        <Space wrap>
          <SaveState editor={editor} />
          <Tooltip title="Ctrl+Z">
            <Button icon={<UndoOutlined />} onClick={editor.undo} disabled={!editor.canUndo} data-testid="undo">{t('undo')}</Button>
          </Tooltip>
          <Tooltip title="Ctrl+Shift+Z">
            <Button icon={<RedoOutlined />} onClick={editor.redo} disabled={!editor.canRedo} data-testid="redo">{t('redo')}</Button>
          </Tooltip>
          <Button type="primary" onClick={() => navigate(href('/publish'))} disabled={editor.status !== 'saved'} data-testid="entity-publish">{t('publish')}</Button>
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
              <Button size="small" onClick={() => void editor.reload()} data-testid="conflict-reload">{t('conflict.reload')}</Button>
              <Button size="small" danger onClick={() => void editor.overwrite()} data-testid="conflict-overwrite">{t('conflict.overwrite')}</Button>
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
          description={<List size="small" dataSource={editor.problems} renderItem={(p) => <List.Item><code className="mc-code">{p.pointer}</code> {p.message}</List.Item>} />}
        />
      )}
    </>
  );
}

function SaveState({ editor }: { editor: Editor }) {
  const t = useT(entityMessages);
  const { status } = editor;
  if (status === 'saved') return <Typography.Text className="dz-ok" data-testid="save-state" data-state="saved"><CheckCircleOutlined /> {t('save.saved')}</Typography.Text>;
  if (status === 'saving' || status === 'pending') return <Typography.Text type="secondary" data-testid="save-state" data-state={status}><LoadingOutlined /> {t(status === 'saving' ? 'save.saving' : 'save.pending')}</Typography.Text>;
  if (status === 'failed') {
    return (
      <Typography.Text type="danger" data-testid="save-state" data-state="failed">
        <WarningOutlined /> {t('save.failed', { code: editor.errorCode ?? '' })} <Button size="small" onClick={editor.retry}>{t('save.retry')}</Button>
      </Typography.Text>
    );
  }
  return <Typography.Text type="danger" data-testid="save-state" data-state={status}><WarningOutlined /> {status === 'invalid' ? t('save.invalid') : t('conflict.title')}</Typography.Text>;
}
