import { describe, expect, it } from 'vitest';
import { record, redo, startHistory, undo } from './history';

describe('undo history', () => {
  it('undoes and redoes edits in order, and a new edit clears the redo stack', () => {
    let h = startHistory(0);
    h = record(h, 1);
    h = record(h, 2);
    h = undo(h);
    expect(h.present).toBe(1);
    h = undo(h);
    expect(h.present).toBe(0);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe(1);
    h = record(h, 5);
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
  });

  it('merges a run of edits of one group into one step', () => {
    let h = startHistory('');
    for (const text of ['P', 'Pr', 'Pro']) h = record(h, text, 'label:en');
    h = record(h, 'Pro!', 'label:zh');
    expect(undo(h).present).toBe('Pro');
    expect(undo(undo(h)).present).toBe('');
  });

  it('starts a new step after an undo even in the same group', () => {
    let h = record(startHistory('a'), 'ab', 'g');
    h = undo(h);
    h = record(h, 'ac', 'g');
    expect(undo(h).present).toBe('a');
  });
});
