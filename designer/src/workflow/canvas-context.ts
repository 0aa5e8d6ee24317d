import { createContext, useContext } from 'react';
import type { Workflow } from '@metacrm/metadata';
import type { Slot } from './flow-edit';
import type { DryRunStep, Palette } from './workflow-api';

/** What the canvas's nodes read and do: the selection, problems and dry-run marks, and the edits they start. */
export interface CanvasState {
  workflow: Workflow;
  palette: Palette;
  selected: string | undefined;
  /** Problems per node: a step id, or `trigger`. */
  problems: ReadonlyMap<string, readonly string[]>;
  /** The last dry run's entries per step id (a step a loop ran twice has two). */
  dry: ReadonlyMap<string, readonly DryRunStep[]>;
  select(id: string): void;
  openPicker(slot: Slot): void;
  move(id: string, delta: -1 | 1): void;
  remove(id: string): void;
  removeEnd(slot: Slot): void;
}

export const CanvasContext = createContext<CanvasState | null>(null);

export function useCanvas(): CanvasState {
  const state = useContext(CanvasContext);
  if (!state) throw new Error('useCanvas outside the workflow canvas');
  return state;
}
