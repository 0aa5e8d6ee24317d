import type { Entity, Form } from '@metacrm/metadata';
import { useQuery } from '@tanstack/react-query';
import { Skeleton } from 'antd';
import { EmptyState, ErrorState, registerBuiltInFieldUis, toApiError, useT } from '@metacrm/ui-kit';
import { metaApi } from '../api/meta-api';
import { useDraft } from '../api/queries';
import type { DraftStart } from '../common/use-draft-editor';
import { newForm } from './form-model';
import { formDesignerMessages } from './form.messages';
import { FormWorkbench } from './form-workbench';

// The canvas and the preview draw fields with the runtime's widgets; this page (loaded on
// demand) is the designer's only one that needs them.
registerBuiltInFieldUis();

/**
 * The form layout designer at `/designer/entities/<entity>/forms/<form>`: loads the draft
 * form with its revision (a form not in the draft yet starts new, and its first autosave
 * creates it), and the draft's copy of the entity it lays out.
 */
export function FormDesigner({ entityKey, formKey }: { entityKey: string; formKey: string }) {
  const t = useT(formDesignerMessages);
  const draft = useDraft();
  // Loaded once per visit, as the entity designer does: the workbench owns the form from then on.
  // A form the draft does not hold is new: nothing to fetch (a 404 is not an error here).
  const inDraft = draft.data ? draft.data.bundle.forms.some((f) => f.key === formKey) : undefined;
  const item = useQuery({
    queryKey: ['form-item', formKey],
    queryFn: async (): Promise<DraftStart<Form> | null> => {
      if (!inDraft) return null;
      const answer = await metaApi.draftItem<Form>('forms', formKey);
      return { item: answer.item, rev: answer.rev };
    },
    enabled: inDraft !== undefined,
    staleTime: Infinity,
    gcTime: 0,
  });
  const error = item.error ?? draft.error;
  if (error) return <ErrorState title={t('loadFailed')} error={toApiError(error)} onRetry={() => void item.refetch()} />;
  if (item.data === undefined || !draft.data) return <Skeleton active />;
  const entity = draft.data.bundle.entities.find((e) => e.key === entityKey) as Entity | undefined;
  if (!entity) return <EmptyState title={t('notFound', { key: entityKey })} />;
  const initial = item.data ?? {
    item: newForm(entity, formKey, !draft.data.bundle.forms.some((f) => f.entity === entityKey)),
    rev: undefined,
  };
  return <FormWorkbench initial={initial} entity={entity} />;
}
