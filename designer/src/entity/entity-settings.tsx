import type { Entity } from '@metacrm/metadata';
import { Form, Input, Select, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useLocale, useT } from '@metacrm/ui-kit';
import { labelOf } from '../common/labels';
import { entityMessages } from './entity.messages';

const COMPUTED = new Set(['formula', 'rollup', 'attachment', 'multi_select', 'long_text', 'rich_text']);

/** The entity's own settings: its names in both languages, its stable key and its display field. */
export function EntitySettings({
  entity,
  published,
  onChange,
}: {
  entity: Entity;
  published: boolean;
  onChange: (next: Entity, group: string) => void;
}) {
  const t = useT(entityMessages);
  const { locale } = useLocale();
  const plural = entity.pluralLabel ?? { 'zh-CN': '', en: '' };
  const setText = (prop: 'label' | 'pluralLabel', lang: 'zh-CN' | 'en', text: string) => {
    const current = prop === 'label' ? entity.label : plural;
    const next = { ...current, [lang]: text };
    const empty = prop === 'pluralLabel' && !next['zh-CN'] && !next.en;
    const { pluralLabel: _p, ...rest } = entity;
    onChange((empty ? rest : { ...entity, [prop]: next }) as Entity, `entity:${prop}:${lang}`);
  };
  return (
    <div className="dz-settings" data-testid="entity-settings">
      <Typography.Paragraph type="secondary">{t('settings.pickField')}</Typography.Paragraph>
      <Form layout="vertical" component="div">
        <div className="dz-pair">
          <Form.Item label={t('settings.labelZh')} htmlFor="entity-label-zh" required>
            <Input id="entity-label-zh" value={entity.label['zh-CN']} onChange={(e) => setText('label', 'zh-CN', e.target.value)} />
          </Form.Item>
          <Form.Item label={t('settings.labelEn')} htmlFor="entity-label-en" required>
            <Input id="entity-label-en" value={entity.label.en} onChange={(e) => setText('label', 'en', e.target.value)} />
          </Form.Item>
          <Form.Item label={t('settings.pluralZh')} htmlFor="entity-plural-zh">
            <Input id="entity-plural-zh" value={plural['zh-CN']} onChange={(e) => setText('pluralLabel', 'zh-CN', e.target.value)} />
          </Form.Item>
          <Form.Item label={t('settings.pluralEn')} htmlFor="entity-plural-en">
            <Input id="entity-plural-en" value={plural.en} onChange={(e) => setText('pluralLabel', 'en', e.target.value)} />
          </Form.Item>
        </div>
        <Form.Item label={t('settings.key')} htmlFor="entity-key" help={published ? t('settings.keyStable') : undefined}>
          <Input
            id="entity-key"
            className="dz-mono"
            value={entity.key}
            readOnly
            suffix={published ? <LockOutlined aria-label={t('settings.keyStable')} /> : undefined}
          />
        </Form.Item>
        <Form.Item label={t('settings.displayField')} htmlFor="entity-display-field" help={t('settings.displayFieldHelp')}>
          <Select
            id="entity-display-field"
            value={entity.displayField}
            onChange={(displayField: string) => onChange({ ...entity, displayField }, 'entity:displayField')}
            options={entity.fields
              .filter((f) => !COMPUTED.has(f.type))
              .map((f) => ({ value: f.key, label: `${labelOf(f.label, locale, f.key)} (${f.key})` }))}
          />
        </Form.Item>
      </Form>
    </div>
  );
}
