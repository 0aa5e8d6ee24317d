import type { Workflow } from '@metacrm/metadata';
import { Button, Space, Tooltip } from 'antd';
import { ExperimentOutlined, RedoOutlined, SafetyCertificateOutlined, UndoOutlined } from '@ant-design/icons';
import { Link, navigate, useLocale, useT } from '@metacrm/ui-kit';
import { useDraftChanges } from '../api/queries';
import { SaveAlerts, SaveState } from '../common/draft-status';
import { href } from '../common/href';
import { labelOf } from '../common/labels';
import { DraftMarker } from '../common/marker';
import type { DraftEditor } from '../common/use-draft-editor';
import { workflowMessages } from './workflow.messages';

/** The workflow's title and draft marker, design / run history, then the save state, undo / redo, dry run and publish. */
export function WorkflowHeader({
  workflow,
  editor,
  tab,
  onDryRun,
  onCheck,
  checking,
}: {
  workflow: Workflow;
  editor?: DraftEditor<Workflow>;
  tab: 'design' | 'runs';
  onDryRun?: () => void;
  onCheck?: () => void;
  checking?: boolean;
}) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const changes = useDraftChanges();
  const base = `/workflows/${workflow.key}`;
  return (
    <>
      <header className="dz-workbench__header">
        <div>
          <Link href={href('/')} className="dz-back">
            ← {t('back')}
          </Link>
          <h1 className="mc-page__title" id="workflow-title">
            {t('title', { name: labelOf(workflow.label, locale, workflow.key) })}
            <DraftMarker change={changes?.marker('workflows', workflow.key)} />
          </h1>
          <nav className="dz-tabs" aria-label={t('title', { name: labelOf(workflow.label, locale, workflow.key) })}>
            <Link href={href(base)} className="dz-tabs__link" aria-current={tab === 'design' ? 'page' : undefined}>
              {t('tab.design')}
            </Link>
            <Link
              href={href(`${base}/runs`)}
              className="dz-tabs__link"
              aria-current={tab === 'runs' ? 'page' : undefined}
              data-testid="tab-runs"
            >
              {t('tab.runs')}
            </Link>
          </nav>
        </div>
        {editor && (
          <Space wrap>
            <SaveState editor={editor as DraftEditor<unknown>} t={t} />
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
            <Button icon={<SafetyCertificateOutlined />} onClick={onCheck} loading={checking} data-testid="check-problems">
              {t('validate')}
            </Button>
            <Button icon={<ExperimentOutlined />} onClick={onDryRun} data-testid="open-dry-run">
              {t('dry.open')}
            </Button>
            <Button
              type="primary"
              onClick={() => navigate(href('/publish'))}
              disabled={editor.status !== 'saved'}
              data-testid="workflow-publish"
            >
              {t('publish')}
            </Button>
          </Space>
        )}
      </header>
      {editor && <SaveAlerts editor={editor as DraftEditor<unknown>} t={t} />}
    </>
  );
}
