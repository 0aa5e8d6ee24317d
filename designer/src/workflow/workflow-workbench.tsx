import type { Workflow } from '@metacrm/metadata';
import { Alert, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useDocumentTitle, useLocale, useT } from '@metacrm/ui-kit';
import { useDraft } from '../api/queries';
import { labelOf } from '../common/labels';
import { useDraftEditor } from '../common/use-draft-editor';
import { useUndoKeys } from '../common/use-undo-keys';
import { CanvasContext, type CanvasState } from './canvas-context';
import { DryRunDrawer } from './dry-run-drawer';
import { insertBlock, locate, moveStep, newBlock, removeEnd, removeStep, changeBlock, type Slot } from './flow-edit';
import { FlowCanvas } from './flow-canvas';
import { isHeld, parseFlow, serializeFlow, type Block, type Seq } from './flow-model';
import { nodeProblems, problemsElsewhere } from './node-problems';
import { StepInspector } from './step-inspector';
import { StepPicker } from './step-picker';
import { StepsJson } from './steps-json';
import { TriggerInspector } from './trigger-inspector';
import { useDraftProblems } from './use-workflow-problems';
import { scopeVariables } from './variables';
import type { DryRun, Palette } from './workflow-api';
import { WorkflowHeader } from './workflow-header';
import { workflowMessages } from './workflow.messages';

/** The canvas with its flow written back into the workflow: links and `start` from the structure. */
function withFlow(workflow: Workflow, flow: Seq): Workflow {
  const { start, steps } = serializeFlow(flow);
  const { start: _old, ...rest } = workflow;
  return start === undefined ? { ...rest, steps } : { ...rest, start, steps };
}

/** A dry run's entries per step. */
function byStep(dry: DryRun | undefined): Map<string, DryRun['steps']> {
  const out = new Map<string, DryRun['steps']>();
  for (const entry of dry?.steps ?? []) out.set(entry.step, [...(out.get(entry.step) ?? []), entry]);
  return out;
}

/**
 * The workflow designer's page: the vertical canvas (trigger, steps, "+" between them,
 * branches, parallel paths and loops) beside the settings of the selection. Every edit
 * enters the undo history and is saved to the draft as the admin pauses (held while a
 * condition or a needed step is missing); the draft's problems are shown on their
 * nodes after each save; a dry run of the draft is drawn on the canvas.
 */
export function WorkflowWorkbench({ initial, palette }: { initial: { item: Workflow; rev: number }; palette: Palette }) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const editor = useDraftEditor<Workflow>('workflows', initial, isHeld);
  const workflow = editor.item;
  const draft = useDraft();
  const bundle = draft.data?.bundle;
  const [selected, setSelected] = useState<string | undefined>('trigger');
  const [picking, setPicking] = useState<Slot>();
  const [dryOpen, setDryOpen] = useState(false);
  const [dry, setDry] = useState<DryRun>();
  const validation = useDraftProblems(workflow, editor.status);
  useDocumentTitle(t('title', { name: labelOf(workflow.label, locale, workflow.key) }));
  useUndoKeys(editor.undo, editor.redo);

  const parsed = useMemo(() => parseFlow(workflow), [workflow]);
  const flow = parsed.ok ? parsed.flow : undefined;
  const at = `/workflows/${workflow.key}`;
  const problems = useMemo(
    () =>
      nodeProblems(
        workflow,
        [
          { at: '', problems: editor.problems },
          ...(editor.status === 'saved' && validation.problems ? [{ at, problems: validation.problems }] : []),
        ],
        t,
      ),
    [workflow, editor.problems, editor.status, validation.problems, at, t],
  );
  const setFlow = useCallback((next: Seq, group?: string) => editor.change(withFlow(workflow, next), group), [editor, workflow]);

  const canvas: CanvasState | undefined = useMemo(
    () =>
      flow && {
        workflow,
        palette,
        selected,
        problems,
        dry: byStep(dry),
        select: setSelected,
        openPicker: setPicking,
        move: (id, delta) => {
          setFlow(moveStep(flow, id, delta));
          requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="node-${id}"]`)?.focus());
        },
        remove: (id) => {
          setFlow(removeStep(flow, id));
          setSelected('trigger');
        },
        removeEnd: (slot) => setFlow(removeEnd(flow, slot)),
      },
    [flow, workflow, palette, selected, problems, dry, setFlow],
  );

  const block = flow && selected && selected !== 'trigger' ? locate(flow, selected)?.block : undefined;
  const variables = useMemo(() => scopeVariables(workflow, flow, bundle, locale, block?.step.id), [workflow, flow, bundle, locale, block]);
  const elsewhere = validation.problems ? problemsElsewhere(validation.problems, at) : 0;

  return (
    <section className="dz-designer dz-workflow" aria-labelledby="workflow-title" data-testid="workflow-designer">
      <WorkflowHeader
        workflow={workflow}
        editor={editor}
        tab="design"
        onDryRun={() => setDryOpen(true)}
        onCheck={() => void validation.check()}
        checking={validation.checking}
      />
      {validation.problems && editor.status === 'saved' && (
        <Typography.Text
          type={problems.size > 0 ? 'danger' : undefined}
          className={`dz-workflow__check${problems.size > 0 ? '' : ' dz-ok'}`}
          data-testid="problem-summary"
        >
          {problems.size > 0
            ? t('validate.count', { count: [...problems.values()].reduce((n, p) => n + p.length, 0) })
            : t('validate.none')}
          {elsewhere > 0 && ` ${t('validate.elsewhere')}`}
        </Typography.Text>
      )}
      {!parsed.ok && (
        <Alert type="warning" showIcon message={t('canvas.unstructured', { step: parsed.step, reason: t(`reason.${parsed.reason}`) })} />
      )}
      <div className="dz-workflow__panes">
        <div className="dz-pane dz-workflow__canvas">
          <p className="dz-pane__hint">{t('canvas.hint')}</p>
          {canvas && flow ? (
            <CanvasContext.Provider value={canvas}>
              <FlowCanvas flow={flow} />
            </CanvasContext.Provider>
          ) : (
            <StepsJson workflow={workflow} onApply={(next) => editor.change(next)} />
          )}
        </div>
        <aside className="dz-pane dz-inspector" aria-labelledby="inspector-title">
          <h2 className="dz-pane__title" id="inspector-title">
            {selected === 'trigger' ? t('inspector.trigger') : block ? t('inspector.step') : t('inspector.title')}
          </h2>
          {selected === 'trigger' && (
            <TriggerInspector
              workflow={workflow}
              triggers={palette.triggers}
              bundle={bundle}
              variables={variables}
              problems={problems.get('trigger') ?? []}
              onChange={(next, group) => editor.change(next, group)}
            />
          )}
          {block && flow && (
            <StepInspector
              key={block.step.id}
              block={block}
              entry={palette.steps.find((s) => s.type === block.step.type)}
              workflow={workflow}
              bundle={bundle}
              variables={variables}
              problems={problems.get(block.step.id) ?? []}
              onChange={(next: Block, group) =>
                setFlow(
                  changeBlock(flow, block.step.id, () => next),
                  group,
                )
              }
              onMove={(delta) => canvas?.move(block.step.id, delta)}
              onDelete={() => canvas?.remove(block.step.id)}
            />
          )}
          {!block && selected !== 'trigger' && <p className="dz-pane__hint">{t('inspector.none')}</p>}
        </aside>
      </div>
      {picking && flow && (
        <StepPicker
          steps={palette.steps}
          onClose={() => setPicking(undefined)}
          onPick={(choice) => {
            const block = newBlock(choice, flow, workflow.entity);
            // A condition is named so on the canvas (its step type, set variables, says nothing of what it is for).
            const added =
              choice.condition && block.kind !== 'end'
                ? {
                    ...block,
                    step: {
                      ...block.step,
                      label: {
                        'zh-CN': workflowMessages['zh-CN']['picker.conditionName'],
                        en: workflowMessages.en['picker.conditionName'],
                      },
                    },
                  }
                : block;
            setFlow(insertBlock(flow, picking, added));
            setPicking(undefined);
            if (added.kind !== 'end') setSelected(added.step.id);
          }}
        />
      )}
      {dryOpen && (
        <DryRunDrawer
          workflow={workflow}
          bundle={bundle}
          saved={editor.status === 'saved'}
          result={dry}
          onResult={setDry}
          onClose={() => setDryOpen(false)}
        />
      )}
    </section>
  );
}
