import { useDraggable, useDroppable } from '@dnd-kit/core';
import { Col, Tag } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import type { KeyboardEvent, ReactNode } from 'react';
import { useT } from '@metacrm/ui-kit';
import type { CanvasContext } from './form-canvas';
import type { Placement } from './form-model';
import { formDesignerMessages } from './form.messages';

const KEYS: Record<string, Parameters<CanvasContext['onFieldKey']>[1]> = {
  Delete: 'remove',
  Backspace: 'remove',
  ArrowLeft: 'earlier',
  ArrowUp: 'earlier',
  ArrowRight: 'later',
  ArrowDown: 'later',
};

/**
 * One placed field on the canvas: the field as RJSF draws it (inert: the canvas is not
 * for typing), under a cover that selects it on click, drags it by the pointer, and
 * takes keys (Delete, arrows, Shift+←/→). A drop on the cell lands before it.
 */
export function CanvasCell({
  placement,
  span,
  content,
  context,
}: {
  placement: Placement;
  span: number;
  content: ReactNode | undefined;
  context: CanvasContext;
}) {
  const t = useT(formDesignerMessages);
  const { field } = placement;
  const drop = useDroppable({ id: `drop:${field}` });
  const drag = useDraggable({ id: `cell:${field}` });
  const selected = context.selection.kind === 'field' && context.selection.field === field;
  const conditional = placement.visibleWhen !== undefined || placement.requiredWhen !== undefined || placement.readOnlyWhen !== undefined;
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      context.onSelect({ kind: 'field', field });
      event.preventDefault();
      return;
    }
    const action =
      event.shiftKey && event.key === 'ArrowLeft' ? 'narrower' : event.shiftKey && event.key === 'ArrowRight' ? 'wider' : KEYS[event.key];
    if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
    context.onFieldKey(field, action);
    event.preventDefault();
  };
  const className = ['dz-cell', selected && 'dz-cell--selected', drop.isOver && 'dz-cell--over', drag.isDragging && 'dz-cell--dragging']
    .filter(Boolean)
    .join(' ');
  return (
    <Col span={span}>
      <div ref={drop.setNodeRef} className={className} data-testid={`canvas-field-${field}`} data-span={span}>
        <div className="dz-cell__content" inert>
          {content ?? (
            <p className="dz-cell__missing">
              <WarningOutlined /> {t('canvas.missing', { key: field })}
            </p>
          )}
        </div>
        <div
          ref={drag.setNodeRef}
          {...drag.listeners}
          role="button"
          tabIndex={0}
          className="dz-cell__cover"
          aria-pressed={selected}
          aria-label={t('canvas.cell', { label: context.fieldLabel(field), span })}
          onClick={() => context.onSelect({ kind: 'field', field })}
          onKeyDown={onKeyDown}
          data-testid={`cell-${field}`}
        />
        {conditional && <Tag className="dz-cell__flag dz-tag-strong">{t('canvas.conditional')}</Tag>}
      </div>
    </Col>
  );
}
