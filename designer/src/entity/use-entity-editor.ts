import type { Entity } from '@metacrm/metadata';
import { useDraftEditor } from '../common/use-draft-editor';

export type { SaveStatus } from '../common/use-draft-editor';

/**
 * The entity being designed: its undo history and autosave into the draft, with the
 * conflict handling of every designer (common/use-draft-editor.ts).
 */
export function useEntityEditor(initial: { item: Entity; rev: number }) {
  const editor = useDraftEditor<Entity>('entities', initial);
  return { ...editor, entity: editor.item };
}
