/** A value with its undo and redo stacks. */
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** The kind of the last edit, so that a run of keystrokes in one input undoes as one step. */
  lastGroup: string | undefined;
}

const LIMIT = 200;

export function startHistory<T>(value: T): History<T> {
  return { past: [], present: value, future: [], lastGroup: undefined };
}

/**
 * Records an edit. Consecutive edits of the same `group` (typing in one input) merge
 * into one undo step; any other edit starts a new one and clears the redo stack.
 */
export function record<T>(history: History<T>, next: T, group?: string): History<T> {
  if (Object.is(next, history.present)) return history;
  if (group !== undefined && group === history.lastGroup) return { ...history, present: next, future: [] };
  return { past: [...history.past, history.present].slice(-LIMIT), present: next, future: [], lastGroup: group };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (previous === undefined) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future], lastGroup: undefined };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (next === undefined) return history;
  return { past: [...history.past, history.present], present: next, future: rest, lastGroup: undefined };
}
