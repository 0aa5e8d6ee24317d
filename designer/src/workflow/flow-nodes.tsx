import { Handle, Position, type NodeProps, type NodeTypes } from '@xyflow/react';
import {
  ApiOutlined,
  AuditOutlined,
  BellOutlined,
  BranchesOutlined,
  CalculatorOutlined,
  CalendarOutlined,
  ClockCircleOutlined,
  CloseOutlined,
  CopyOutlined,
  DeleteOutlined,
  EditOutlined,
  ExclamationCircleOutlined,
  ForkOutlined,
  MailOutlined,
  MergeCellsOutlined,
  NodeIndexOutlined,
  PlusOutlined,
  RetweetOutlined,
  SearchOutlined,
  StopOutlined,
  ThunderboltOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { useCanvas } from './canvas-context';
import type { CanvasNode } from './flow-layout';
import { workflowMessages } from './workflow.messages';

/** Icons by the palette's icon names; a plugin's unknown name gets the generic one. */
const ICONS: Record<string, ReactNode> = {
  plus: <PlusOutlined />,
  edit: <EditOutlined />,
  user: <UserOutlined />,
  copy: <CopyOutlined />,
  search: <SearchOutlined />,
  calculator: <CalculatorOutlined />,
  clock: <ClockCircleOutlined />,
  parallel: <ForkOutlined />,
  join: <MergeCellsOutlined />,
  loop: <RetweetOutlined />,
  audit: <AuditOutlined />,
  bell: <BellOutlined />,
  mail: <MailOutlined />,
  api: <ApiOutlined />,
  delete: <DeleteOutlined />,
  button: <ThunderboltOutlined />,
  calendar: <CalendarOutlined />,
  branches: <BranchesOutlined />,
};
export const iconOf = (name: string | undefined) => (name && ICONS[name]) ?? <NodeIndexOutlined />;

type Data<K extends CanvasNode['kind']> = NodeProps & { data: Extract<CanvasNode, { kind: K }> };
const handles = (
  <>
    <Handle type="target" position={Position.Top} isConnectable={false} className="dz-handle" />
    <Handle type="source" position={Position.Bottom} isConnectable={false} className="dz-handle" />
  </>
);

function TriggerNode() {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const canvas = useCanvas();
  const entry = canvas.palette.triggers.find((tr) => tr.type === canvas.workflow.trigger.type);
  const problems = canvas.problems.get('trigger')?.length ?? 0;
  return (
    <>
      <button
        type="button"
        className={`dz-node dz-node--trigger${canvas.selected === 'trigger' ? ' dz-node--selected' : ''}${problems ? ' dz-node--problem' : ''}`}
        onClick={() => canvas.select('trigger')}
        data-testid="node-trigger"
        aria-pressed={canvas.selected === 'trigger'}
      >
        <span className="dz-node__icon" aria-hidden>
          {iconOf(entry?.icon)}
        </span>
        <span className="dz-node__main">
          <span className="dz-node__kind">{t('node.trigger')}</span>
          <span className="dz-node__label">{labelOf(entry?.label, locale, canvas.workflow.trigger.type)}</span>
          {canvas.workflow.entity && <span className="dz-node__sub">{canvas.workflow.entity}</span>}
        </span>
        {problems > 0 && (
          <span className="dz-node__badge dz-node__badge--problem">
            <ExclamationCircleOutlined /> {t('node.problems', { count: problems })}
          </span>
        )}
      </button>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="dz-handle" />
    </>
  );
}

function StepNode({ data }: Data<'step'>) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const canvas = useCanvas();
  const { step, block } = data;
  const entry = canvas.palette.steps.find((s) => s.type === step.type);
  const problems = canvas.problems.get(step.id)?.length ?? 0;
  const dry = canvas.dry.get(step.id)?.at(-1);
  const planned = dry?.status === 'completed' && (dry.output as { dryRun?: boolean } | undefined)?.dryRun === true;
  const name = labelOf(step.label, locale, labelOf(entry?.label, locale, step.type));
  const icon = block === 'branch' ? <BranchesOutlined /> : iconOf(entry?.icon);
  const selected = canvas.selected === step.id;
  return (
    <>
      {handles}
      <button
        type="button"
        className={`dz-node${selected ? ' dz-node--selected' : ''}${problems ? ' dz-node--problem' : ''}${dry ? ` dz-node--dry-${dry.status}` : ''}`}
        onClick={() => canvas.select(step.id)}
        onKeyDown={(e) => {
          if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
            e.preventDefault();
            canvas.move(step.id, e.key === 'ArrowUp' ? -1 : 1);
          } else if (e.key === 'Delete') {
            e.preventDefault();
            canvas.remove(step.id);
          }
        }}
        aria-pressed={selected}
        data-testid={`node-${step.id}`}
        data-dry={dry?.status}
      >
        <span className="dz-node__icon" aria-hidden>
          {icon}
        </span>
        <span className="dz-node__main">
          <span className="dz-node__label">{name}</span>
          <span className="dz-node__sub">{step.id}</span>
        </span>
        <span className="dz-node__badges">
          {entry?.external && (
            <span className="dz-node__badge" title={t('node.external')}>
              <ApiOutlined aria-label={t('node.external')} />
            </span>
          )}
          {problems > 0 && (
            <span className="dz-node__badge dz-node__badge--problem">
              <ExclamationCircleOutlined /> {t('node.problems', { count: problems })}
            </span>
          )}
          {dry && (
            <span className={`dz-node__badge dz-node__badge--dry-${dry.status}`}>
              {t(planned ? 'node.dry.planned' : `node.dry.${dry.status}`)}
            </span>
          )}
        </span>
      </button>
    </>
  );
}

function JoinNode() {
  const t = useT(workflowMessages);
  return (
    <>
      {handles}
      <div className="dz-node dz-node--join">
        <MergeCellsOutlined aria-hidden /> {t('node.join')}
      </div>
    </>
  );
}

function AddNode({ data }: Data<'add'>) {
  const t = useT(workflowMessages);
  const canvas = useCanvas();
  const testId = `add-${data.slot.path.map((p) => `${p.block}.${p.child}`).join('-') || 'main'}-${data.slot.index}`;
  return (
    <>
      {handles}
      <button
        type="button"
        className="dz-add"
        onClick={() => canvas.openPicker(data.slot)}
        aria-label={t('node.add')}
        title={t('node.add')}
        data-testid={testId}
      >
        <PlusOutlined />
      </button>
    </>
  );
}

function MergeNode() {
  return (
    <>
      {handles}
      <div className="dz-merge" aria-hidden />
    </>
  );
}

function EndNode({ data }: Data<'end'>) {
  const t = useT(workflowMessages);
  const canvas = useCanvas();
  const slot = data.slot;
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={false} className="dz-handle" />
      <div className="dz-node dz-node--end" data-testid="node-end">
        <StopOutlined aria-hidden /> {slot ? t('node.endHere') : t('node.end')}
        {slot && (
          <button
            type="button"
            className="dz-end__remove"
            onClick={() => canvas.removeEnd(slot)}
            aria-label={t('node.removeEnd')}
            title={t('node.removeEnd')}
          >
            <CloseOutlined />
          </button>
        )}
      </div>
    </>
  );
}

/** The canvas's node components by kind. */
export const NODE_TYPES: NodeTypes = {
  trigger: TriggerNode,
  step: StepNode,
  join: JoinNode,
  add: AddNode,
  merge: MergeNode,
  end: EndNode,
} as NodeTypes;
