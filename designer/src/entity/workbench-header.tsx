import type { Entity } from '@metacrm/metadata';
import { Button, Space, Tooltip } from 'antd';
import { RedoOutlined, UndoOutlined } from '@ant-design/icons';
import { Link, navigate, useLocale, useT } from '@metacrm/ui-kit';
import { SaveAlerts, SaveState } from '../common/draft-status';
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
          <h1 className="mc-page__title" id="entity-title">
            {t('title', { name: labelOf(entity.label, locale, entity.key) })}
            <DraftMarker change={published ? changes?.marker('entities', entity.key) : 'added'} />
          </h1>
        </div>
        <Space wrap>
          <SaveState editor={editor} t={t} />
          <Tooltip title="Ctrl+Z">
            <Button icon={<UndoOutlined />} onClick={editor.undo} disabled={!editor.canUndo} data-testid="undo">{t('undo')}</Button>
          </Tooltip>
          <Tooltip title="Ctrl+Shift+Z">
            <Button icon={<RedoOutlined />} onClick={editor.redo} disabled={!editor.canRedo} data-testid="redo">{t('redo')}</Button>
          </Tooltip>
          <Button type="primary" onClick={() => navigate(href('/publish'))} disabled={editor.status !== 'saved'} data-testid="entity-publish">{t('publish')}</Button>
        </Space>
      </header>
      <SaveAlerts editor={editor} t={t} />
    </>
  );
}
