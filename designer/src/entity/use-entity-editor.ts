import type { Entity } from '@metacrm/metadata';
import { useDraftEditor } from '../common/use-draft-editor';

export type { SaveStatus } from '../common/use-draft-editor';

/** The entity being designed: the draft editor (undo history, autosave, conflicts) over an entity. */
export function useEntityEditor(initial: { item: Entity; rev: number }) {
  const editor = useDraftEditor<Entity>('entities', initial);
  return { ...editor, entity: editor.item };
}
