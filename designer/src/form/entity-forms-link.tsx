import { Button, Dropdown } from 'antd';
import { FormOutlined } from '@ant-design/icons';
import { navigate, useLocale, useT } from '@metacrm/ui-kit';
import { useDraft } from '../api/queries';
import { href } from '../common/href';
import { labelOf } from '../common/labels';
import { formDesignerMessages } from './form.messages';

/** The path of a form's designer. */
export const formHref = (entity: string, form: string) => href(`/entities/${entity}/forms/${form}`);

/** The entity designer's "Forms" menu: the entity's forms in the draft, and "New form". */
export function EntityFormsLink({ entity }: { entity: string }) {
  const t = useT(formDesignerMessages);
  const { locale } = useLocale();
  const draft = useDraft();
  const forms = (draft.data?.bundle.forms ?? []).filter((f) => f.entity === entity);
  const used = new Set((draft.data?.bundle.forms ?? []).map((f) => f.key));
  let fresh = `${entity}_form`;
  for (let n = 2; used.has(fresh); n++) fresh = `${entity}_form_${n}`;
  const items = [
    ...forms.map((f) => ({ key: f.key, label: `${labelOf(f.label, locale, f.key)}${f.default ? ` (${t('forms.default')})` : ''}` })),
    ...(forms.length > 0 ? [{ type: 'divider' as const }] : []),
    { key: fresh, label: t('forms.new'), 'data-testid': 'new-form' },
  ];
  return (
    <Dropdown trigger={['click']} menu={{ items, onClick: ({ key }) => navigate(formHref(entity, key)) }}>
      <Button icon={<FormOutlined />} data-testid="entity-forms">
        {t('forms.count', { count: forms.length })}
      </Button>
    </Dropdown>
  );
}
