import {
  Background,
  Controls,
  MarkerType,
  ReactFlow,
  ReactFlowProvider,
  type Edge,
  type Node,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo, useRef } from 'react';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { layoutFlow, type PathNames, type PlacedNode } from './flow-layout';
import type { Seq } from './flow-model';
import { NODE_TYPES } from './flow-nodes';
import { workflowMessages } from './workflow.messages';

/** Nodes hold buttons: xyflow turns pointer events off on nodes that are neither draggable nor selectable. */
const INTERACTIVE = { pointerEvents: 'all' } as const;

/**
 * The workflow drawn top to bottom with @xyflow/react: positions come from layoutFlow
 * (nothing is dragged; "+" between nodes inserts), the view pans and zooms. Nodes are
 * plain buttons, so Tab reaches every step and every "+".
 */
export function FlowCanvas({ flow }: { flow: Seq }) {
  const t = useT(workflowMessages);
  const { locale } = useLocale();
  const names: PathNames = useMemo(
    () => ({
      path: (block, i) => labelOf(block.paths[i]?.label, locale, t('path.condition', { n: i + 1 })),
      otherwise: () => t('path.otherwise'),
      lane: (i) => t('path.lane', { n: i + 1 }),
      body: () => t('path.body'),
    }),
    [locale, t],
  );
  const { nodes, edges, placed } = useMemo(() => {
    const placed = layoutFlow(flow, names);
    const nodes: Node[] = placed.nodes.map((n) => ({
      id: n.id,
      type: n.data.kind,
      position: { x: n.x, y: n.y },
      data: n.data,
      draggable: false,
      selectable: false,
      focusable: false,
      connectable: false,
      style: INTERACTIVE,
    }));
    const edges: Edge[] = placed.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      type: 'smoothstep',
      focusable: false,
      selectable: false,
      markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
      ...(e.label
        ? { label: e.label, labelBgPadding: [6, 3] as [number, number], labelBgBorderRadius: 4, className: 'dz-edge--labelled' }
        : {}),
    }));
    return { nodes, edges, placed: placed.nodes };
  }, [flow, names]);
  const wrapper = useRef<HTMLDivElement>(null);
  // The flow starts at the top, as wide as the pane allows (never above 1:1); fitting the whole height would shrink a long flow to nothing.
  const onInit = useCallback((instance: ReactFlowInstance) => {
    const width = wrapper.current?.clientWidth ?? 800;
    void instance.setViewport(topViewport(placed, width));
    // Only the first drawing places the view; later edits keep the admin's pan and zoom.
  }, []);
  return (
    <div className="dz-canvas" role="region" aria-label={t('canvas.label')} data-testid="flow-canvas" ref={wrapper}>
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          nodeOrigin={[0.5, 0]}
          onInit={onInit}
          minZoom={0.25}
          maxZoom={1.5}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          panOnScroll
          zoomOnScroll={false}
          zoomOnDoubleClick={false}
        >
          <Background gap={20} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}

/** A viewport showing the flow from its top, centred, zoomed out only as far as its width needs. */
function topViewport(nodes: readonly PlacedNode[], width: number): { x: number; y: number; zoom: number } {
  const HALF_NODE = 130;
  const left = Math.min(...nodes.map((n) => n.x)) - HALF_NODE;
  const right = Math.max(...nodes.map((n) => n.x)) + HALF_NODE;
  const zoom = Math.min(1, Math.max(0.4, (width - 32) / (right - left)));
  return { x: width / 2 - ((left + right) / 2) * zoom, y: 16, zoom };
}
