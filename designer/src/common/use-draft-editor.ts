import type { ItemKind, Problem } from '@metacrm/metadata';
import { useCallback, useEffect, useRef, useState } from 'react';
import { toApiError } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { useRefreshMeta } from '../api/queries';
import { record, redo, startHistory, undo, type History } from './history';

/** Where the draft copy stands against what is on screen. */
export type SaveStatus = 'saved' | 'pending' | 'saving' | 'invalid' | 'failed' | 'conflict';

const AUTOSAVE_MS = 700;

/** An item being designed, with its undo history and autosave (useDraftEditor). */
export interface DraftEditor<T = unknown> {
  item: T;
  status: SaveStatus;
  problems: Problem[];
  errorCode: string | undefined;
  canUndo: boolean;
  canRedo: boolean;
  change(next: T, group?: string): void;
  undo(): void;
  redo(): void;
  reload(): Promise<void>;
  overwrite(): Promise<void>;
  retry(): void;
}

/** One draft item as a designer loads it: the item, and its revision (absent for an item not saved yet). */
export interface DraftStart<T> {
  item: T;
  rev: number | undefined;
}

/**
 * A draft item being designed (an entity, a form, a view, a role, a workflow): its undo history, and autosave of
 * the present state into the draft. Each save sends the revision it started from
 * (`If-Match`); when another admin saved in between, the server answers 409 and the
 * editor stops saving and offers a choice (reload theirs, or save mine over it) instead
 * of overwriting them. A shape problem (422) keeps the edits on screen with the
 * problems, until the next edit. An item without a revision is created by its first save.
 * `hold` names a state the designer knows cannot be saved yet (its own problems on
 * screen): it is kept, not sent.
 */
export function useDraftEditor<T extends { key: string }>(
  kind: ItemKind,
  initial: DraftStart<T>,
  hold?: (item: T) => boolean,
): DraftEditor<T> {
  const refresh = useRefreshMeta({ draftOnly: true });
  const [history, setHistory] = useState<History<T>>(() => startHistory(initial.item));
  const [status, setStatus] = useState<SaveStatus>(initial.rev === undefined ? 'pending' : 'saved');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [errorCode, setErrorCode] = useState<string>();
  // A new item's "saved" state is none at all, so the first render already differs and saves it.
  const saved = useRef<{ item: T | undefined; rev: number | undefined }>(
    initial.rev === undefined ? { item: undefined, rev: undefined } : initial,
  );
  const saving = useRef(false);
  /** The state the last save attempt sent, so a refused state is not sent again until it changes. */
  const lastTried = useRef<T | undefined>(undefined);
  const item = history.present;

  const save = useCallback(
    async (next: T, rev: number | undefined) => {
      saving.current = true;
      setStatus('saving');
      try {
        const answer = await metaApi.putDraftItem(kind, next.key, next, rev);
        saved.current = { item: next, rev: answer.rev };
        setProblems([]);
        setStatus('saved');
        void refresh();
      } catch (err) {
        const error = toApiError(err);
        setErrorCode(error.code);
        if (error.code === 'METADATA_CONFLICT') setStatus('conflict');
        else if (error.code === 'METADATA_INVALID') {
          setProblems((error.details as { problems?: Problem[] } | undefined)?.problems ?? []);
          setStatus('invalid');
        } else setStatus('failed');
      } finally {
        saving.current = false;
      }
    },
    [kind, refresh],
  );

  // Autosave: a pause in editing saves the present state (never during a conflict or after a refusal of this very state).
  useEffect(() => {
    if (item === saved.current.item) {
      // Back to what is saved (a redo after an undo that had not been saved yet): nothing to send.
      if (status === 'pending') setStatus('saved');
      return;
    }
    if (status === 'conflict' || status === 'saving') return;
    if ((status === 'invalid' || status === 'failed') && lastTried.current === item) return;
    if (hold?.(item)) {
      setStatus('pending');
      return;
    }
    setStatus((s) => (s === 'saved' ? 'pending' : s));
    const timer = setTimeout(() => {
      if (saving.current) return;
      lastTried.current = item;
      void save(item, saved.current.rev);
    }, AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [item, status, save, hold]);
  const change = useCallback((next: T, group?: string) => setHistory((h) => record(h, next, group)), []);

  /** Their version replaces mine (the history too: undoing into mine would overwrite theirs again). */
  const reload = useCallback(async () => {
    const latest = await metaApi.draftItem<T>(kind, item.key);
    saved.current = { item: latest.item, rev: latest.rev };
    setHistory(startHistory(latest.item));
    setProblems([]);
    setStatus('saved');
    void refresh();
  }, [kind, item.key, refresh]);

  /** Mine replaces theirs: a deliberate save at their latest revision. */
  const overwrite = useCallback(async () => {
    const latest = await metaApi.draftItem<T>(kind, item.key);
    await save(item, latest.rev);
  }, [kind, item, save]);

  const retry = useCallback(() => void save(item, saved.current.rev), [item, save]);

  return {
    item,
    status,
    problems,
    errorCode,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    change,
    undo: useCallback(() => setHistory(undo), []),
    redo: useCallback(() => setHistory(redo), []),
    reload,
    overwrite,
    retry,
  };
}
