import type { Entity, Role } from '@metacrm/metadata';
import { Card, Checkbox, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { useDocumentTitle, useLocale, useT } from '@metacrm/ui-kit';
import { useCurrent, useDraft } from '../api/queries';
import { labelOf } from '../common/labels';
import { useDraftEditor } from '../common/use-draft-editor';
import { useUndoKeys } from '../common/use-undo-keys';
import { AccessExplainer } from './access-explainer';
import { EntityMatrix } from './entity-matrix';
import { FieldGrid } from './field-grid';
import { RoleHeader } from './role-header';
import { withGrant, type EntityGrant } from './role-model';
import { rolesMessages } from './roles.messages';
import { ScopeFilter } from './scope-filter';
import './roles.css';

/**
 * The roles editor: names in both languages and the admin rights, the entities ×
 * operations matrix with each entity's record scope, then for the chosen entity its
 * field grid and record filter. Every edit enters the undo history and is saved to the
 * draft as the admin pauses (with conflict handling, use-draft-editor.ts).
 */
export function RoleWorkbench({ initial }: { initial: { item: Role; rev: number } }) {
  const t = useT(rolesMessages);
  const { locale } = useLocale();
  const editor = useDraftEditor<Role>('roles', initial);
  const role = editor.item;
  const draft = useDraft();
  const current = useCurrent();
  const entities: Entity[] = draft.data?.bundle.entities ?? [];
  const [selected, setSelected] = useState<string | undefined>(() => Object.keys(initial.item.entities ?? {})[0]);
  useDocumentTitle(t('title', { name: labelOf(role.label, locale, role.key) }));
  useUndoKeys(editor.undo, editor.redo);

  const published = current.data?.bundle.roles.find((r) => r.key === role.key);
  const entity = entities.find((e) => e.key === selected);
  const grant: EntityGrant = (selected && role.entities?.[selected]) || {};
  const setGrant = (next: EntityGrant, group?: string) => selected && editor.change(withGrant(role, selected, next), group);
  const setLabel = (lang: 'zh-CN' | 'en', text: string) =>
    editor.change({ ...role, label: { ...role.label, [lang]: text } }, `label-${lang}`);
  const setAdmin = (right: 'metadata' | 'users', on: boolean) => {
    const admin = { ...role.admin, [right]: on };
    if (!on) delete admin[right];
    const next: Role = { ...role, admin };
    if (Object.keys(admin).length === 0) delete next.admin;
    editor.change(next);
  };
  const entityName = entity ? labelOf(entity.label, locale, entity.key) : '';
  return (
    <section className="dz-designer dz-role" aria-labelledby="role-title" data-testid="role-designer">
      <RoleHeader role={role} published={published} editor={editor} />
      <Card size="small" title={t('names')} className="dz-role__card">
        <Form layout="vertical">
          <div className="dz-pair">
            <Form.Item label={t('labelZh')} htmlFor="role-label-zh">
              <Input
                id="role-label-zh"
                value={role.label['zh-CN']}
                onChange={(e) => setLabel('zh-CN', e.target.value)}
                data-testid="role-label-zh"
              />
            </Form.Item>
            <Form.Item label={t('labelEn')} htmlFor="role-label-en">
              <Input
                id="role-label-en"
                value={role.label.en}
                onChange={(e) => setLabel('en', e.target.value)}
                data-testid="role-label-en"
              />
            </Form.Item>
          </div>
          <Space direction="vertical">
            <Checkbox
              checked={role.admin?.metadata === true}
              onChange={(e) => setAdmin('metadata', e.target.checked)}
              data-testid="role-admin-metadata"
            >
              {t('adminMetadata')}
            </Checkbox>
            <Checkbox
              checked={role.admin?.users === true}
              onChange={(e) => setAdmin('users', e.target.checked)}
              data-testid="role-admin-users"
            >
              {t('adminUsers')}
            </Checkbox>
          </Space>
        </Form>
      </Card>
      <Card size="small" title={t('matrix.title')} className="dz-role__card">
        <p className="mc-page__subtitle">{t('matrix.hint')}</p>
        <EntityMatrix role={role} entities={entities} selected={selected} onChange={editor.change} onSelect={setSelected} />
      </Card>
      <Card
        size="small"
        title={entity ? t('fields.title', { entity: entityName }) : t('matrix.fields')}
        className="dz-role__card"
        data-testid="role-fields-card"
      >
        {entity ? <FieldGrid entity={entity} grant={grant} onChange={setGrant} /> : <p className="mc-page__subtitle">{t('fields.pick')}</p>}
      </Card>
      {entity && (
        <Card size="small" title={t('filter.title', { entity: entityName })} className="dz-role__card">
          <ScopeFilter roleKey={role.key} entity={entity} grant={grant} saved={editor.status === 'saved'} onChange={setGrant} />
        </Card>
      )}
      {published && <AccessExplainer role={role.key} entities={current.data?.bundle.entities ?? []} />}
    </section>
  );
}
