import { createFieldTypeRegistry, type Entity, type Field } from '@metacrm/metadata';

/** Test data for the query compiler's unit tests: an entity with a field of every built-in type. */

const l = (en: string, zh = en) => ({ 'zh-CN': zh, en });
const f = (key: string, type: string, settings: Record<string, unknown> = {}): Field =>
  ({ key, type, label: l(key), ...settings }) as Field;

export const fieldTypes = createFieldTypeRegistry();

export const deal: Entity = {
  key: 'deal',
  label: l('Deal'),
  displayField: 'title',
  fields: [
    f('title', 'text'),
    f('notes', 'long_text'),
    f('body', 'rich_text'),
    f('qty', 'integer'),
    f('price', 'decimal', { scale: 2 }),
    f('amount', 'currency', { currencyCode: 'CNY' }),
    f('rate', 'percent'),
    f('active', 'boolean'),
    f('due', 'date'),
    f('seen_at', 'datetime'),
    f('stage', 'single_select', {
      options: [
        { key: 'new', label: l('New', '新建') },
        { key: 'won', label: l('Won', '赢单') },
        { key: 'lost', label: l('Lost', '输单') },
      ],
    }),
    f('tags', 'multi_select', {
      options: [
        { key: 'hot', label: l('Hot', '热门') },
        { key: 'vip', label: l('VIP') },
        { key: 'new_logo', label: l('New logo', '新客户') },
      ],
    }),
    f('email', 'email'),
    f('phone', 'phone'),
    f('site', 'url'),
    f('account', 'lookup', { target: 'account' }),
    f('owner', 'user'),
    f('ref', 'auto_number', { prefix: 'D' }),
    f('expected', 'formula', { resultType: 'decimal', expression: { var: 'amount' } }),
    f('summary', 'formula', { resultType: 'text', expression: { var: 'title' } }),
    f('closed_on', 'formula', { resultType: 'date', expression: { var: 'due' } }),
    f('total', 'rollup', { entity: 'line', via: 'deal', function: 'sum', field: 'amount' }),
    f('lines', 'rollup', { entity: 'line', via: 'deal', function: 'count' }),
    f('files', 'attachment'),
  ],
};
