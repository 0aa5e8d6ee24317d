import { HolderOutlined } from '@ant-design/icons';
import { useDraggable, useDroppable } from '@dnd-kit/core';
import { useRef, type KeyboardEvent, type PointerEvent, type ThHTMLAttributes } from 'react';

export const MIN_WIDTH = 60;
export const MAX_WIDTH = 1000;
/** A column without a width of its own starts at this many pixels once resized. */
export const DEFAULT_WIDTH = 160;
const KEY_STEP = 16;

/** What the list passes to a header cell of one of its field columns (antd's onHeaderCell). */
export interface ColumnHeaderProps extends ThHTMLAttributes<HTMLTableCellElement> {
  colKey?: string;
  width?: number;
  moveLabel?: string;
  resizeLabel?: string;
  /** While dragging the edge: the new width (not yet saved). */
  onResize?: (width: number) => void;
  /** The edge let go: save the width. */
  onResizeEnd?: (width: number) => void;
}

const clamp = (w: number) => Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, w)));

/**
 * A field column's header: dragged by the pointer to another place, or by its grip with
 * the keyboard (dnd-kit: space, arrows, space) and an edge to drag to another width (or arrow
 * keys on the focused edge). The table's other header cells (selection) render as they are.
 */
export function ColumnHeader({ colKey, width, moveLabel, resizeLabel, onResize, onResizeEnd, children, ...th }: ColumnHeaderProps) {
  const drag = useDraggable({ id: `column:${colKey ?? ''}`, disabled: !colKey });
  // The dragged column follows the pointer: it is no place to drop itself on.
  const drop = useDroppable({ id: `column:${colKey ?? ''}`, disabled: !colKey || drag.isDragging });
  const start = useRef<{ x: number; width: number; current: number } | null>(null);
  if (!colKey) return <th {...th}>{children}</th>;

  const measured = () => width ?? drop.node.current?.getBoundingClientRect().width ?? DEFAULT_WIDTH;
  const onPointerDown = (e: PointerEvent<HTMLSpanElement>) => {
    e.stopPropagation();
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    start.current = { x: e.clientX, width: measured(), current: measured() };
  };
  const onPointerMove = (e: PointerEvent<HTMLSpanElement>) => {
    if (!start.current) return;
    start.current.current = clamp(start.current.width + e.clientX - start.current.x);
    onResize?.(start.current.current);
  };
  const onPointerUp = () => {
    if (start.current) onResizeEnd?.(start.current.current);
    start.current = null;
  };
  const onKeyDown = (e: KeyboardEvent<HTMLSpanElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    e.stopPropagation();
    const next = clamp(measured() + (e.key === 'ArrowRight' ? KEY_STEP : -KEY_STEP));
    onResize?.(next);
    onResizeEnd?.(next);
  };
  const transform = drag.transform ? { transform: `translate3d(${drag.transform.x}px, 0, 0)`, zIndex: 3 } : undefined;
  return (
    <th
      {...th}
      ref={(node) => {
        drop.setNodeRef(node);
        drag.setNodeRef(node);
      }}
      style={{ ...th.style, ...transform }}
      className={`${th.className ?? ''} mc-column${drop.isOver ? ' mc-column--over' : ''}`}
      // The whole header is dragged by the pointer (after 5 px, so a click still sorts); the grip is its keyboard handle.
      onPointerDown={drag.listeners?.onPointerDown as never}
      data-testid={`column-${colKey}`}
    >
      <span className="mc-column__inner">
        <button
          type="button"
          ref={drag.setActivatorNodeRef}
          className="mc-column__grip"
          aria-label={moveLabel}
          {...drag.attributes}
          onKeyDown={drag.listeners?.onKeyDown as never}
          onClick={(e) => e.stopPropagation()}
          data-testid={`column-move-${colKey}`}
        >
          <HolderOutlined aria-hidden="true" />
        </button>
        <span className="mc-column__title">{children}</span>
      </span>
      <span
        role="separator"
        aria-orientation="vertical"
        aria-label={resizeLabel}
        aria-valuenow={Math.round(measured())}
        aria-valuemin={MIN_WIDTH}
        aria-valuemax={MAX_WIDTH}
        tabIndex={0}
        className="mc-column__resize"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={onKeyDown}
        data-testid={`column-resize-${colKey}`}
      />
    </th>
  );
}
