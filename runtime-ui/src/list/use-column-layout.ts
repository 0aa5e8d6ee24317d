import type { UserEntity, View } from '@metacrm/metadata';
import { useState } from 'react';
import { useColumnPrefs, type ColumnPref } from './personal-views';
import { columnsOf } from './use-records';

export interface ColumnLayout {
  /** Field keys in the order shown. */
  columns: string[];
  widthOf: (field: string) => number | undefined;
  /** Moves `field` to where `before` is. */
  move: (field: string, before: string) => void;
  onResize: (field: string, width: number) => void;
  onResizeEnd: (field: string, width: number) => void;
  /** The user arranged this view's columns (reset applies). */
  arranged: boolean;
  reset: () => Promise<void>;
  /** The columns as a view stores them, widths included. */
  current: () => ColumnPref[];
}

/**
 * A list view's columns as the user arranged them (order, widths), kept per user on the
 * server (`/api/me/views/{view}/columns`) so they follow them to another browser; the
 * view's own columns until they arrange them. A width changes on screen while its edge is
 * dragged and is saved when it is let go.
 */
export function useColumnLayout(entity: UserEntity, view: View | undefined): ColumnLayout {
  const prefs = useColumnPrefs(view?.type === 'list' ? view.key : undefined);
  const [dragging, setDragging] = useState<Record<string, number>>({});
  const known = new Set(entity.fields.map((f) => f.key));
  const own = columnsOf(entity, view);
  const ownWidths = new Map((view?.type === 'list' ? view.columns : []).map((c) => [c.field, c.width]));
  const arranged = (prefs.columns ?? []).filter((c) => known.has(c.field));
  const prefWidths = new Map(arranged.map((c) => [c.field, c.width]));
  const columns = arranged.length > 0 ? arranged.map((c) => c.field) : own;
  const widthOf = (field: string) => dragging[field] ?? prefWidths.get(field) ?? ownWidths.get(field);
  const current = (order = columns, widths: Record<string, number> = {}): ColumnPref[] =>
    order.map((field) => {
      const width = widths[field] ?? widthOf(field);
      return width === undefined ? { field } : { field, width };
    });
  return {
    columns,
    widthOf,
    arranged: arranged.length > 0,
    move: (field, before) => {
      if (field === before) return;
      const rest = columns.filter((c) => c !== field);
      const at = rest.indexOf(before) + (columns.indexOf(field) < columns.indexOf(before) ? 1 : 0);
      void prefs.save(current([...rest.slice(0, at), field, ...rest.slice(at)]));
    },
    onResize: (field, width) => setDragging((d) => ({ ...d, [field]: width })),
    onResizeEnd: (field, width) => {
      void prefs.save(current(columns, { [field]: width })).finally(() => setDragging(({ [field]: _done, ...rest }) => rest));
    },
    reset: prefs.reset,
    current: () => current(),
  };
}
