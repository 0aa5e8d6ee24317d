import type { Bundle } from '@metacrm/metadata';
import { STATUSES, TAGS } from '../lib/crm-record.js';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

/** The measured entity; its records are `rec_lead`. */
export const LEAD = 'lead';
/** The lookup target of `lead.account_id`. */
export const ACCOUNT = 'account';
/** The list view the list figures measure: its filter and sort, 50 a page. */
export const LEAD_VIEW = 'qualified_by_score';
/** The role of the user behind the access-control rows: own records only, phone masked. */
export const REP_ROLE = 'bench_rep';

/** The generator's tag (`trade-show`) as an option key, which allows no hyphen (`trade_show`). */
export function tagKey(tag: string): string {
  return tag.replace(/-/g, '_');
}

/**
 * The metadata the records benchmark publishes: a `lead` entity whose 20 fields are
 * the 20 fields of the benchmark's generated CRM record (bench/lib/crm-record.ts), one
 * field type each where the data allows, so validation and conversion see every kind of
 * value; an `account` entity for its lookup; the list view the list figures measure;
 * and a role with an `own` record scope and a masked phone for the access-control rows.
 *
 * The entity has no formula and no auto-number, since the generated data has neither.
 * A formula adds its evaluation to every write; an auto-number adds two round trips to
 * every create (a counter upsert and a findOneAndUpdate $inc, outside the transaction),
 * which the benchmark measures separately as "auto-number counter".
 */
export function leadBundle(): Bundle {
  return {
    entities: [
      {
        key: ACCOUNT,
        label: l('Account', '客户'),
        displayField: 'name',
        fields: [{ key: 'name', type: 'text', label: l('Name', '名称'), required: true }],
      },
      {
        key: LEAD,
        label: l('Lead', '线索'),
        displayField: 'name',
        fields: [
          { key: 'name', type: 'text', label: l('Name', '姓名'), required: true },
          { key: 'email', type: 'email', label: l('Email', '邮箱') },
          { key: 'phone', type: 'phone', label: l('Phone', '电话') },
          { key: 'company', type: 'text', label: l('Company', '公司') },
          {
            key: 'status',
            type: 'single_select',
            label: l('Status', '状态'),
            required: true,
            options: STATUSES.map((s) => ({ key: s, label: l(s, s) })),
          },
          { key: 'industry', type: 'text', label: l('Industry', '行业'), maxLength: 80 },
          { key: 'city', type: 'text', label: l('City', '城市'), maxLength: 80 },
          { key: 'country', type: 'text', label: l('Country', '国家'), maxLength: 2, pattern: '^[A-Z]{2}$' },
          { key: 'score', type: 'integer', label: l('Score', '评分'), min: 0, max: 100 },
          { key: 'revenue', type: 'currency', label: l('Annual revenue', '年收入'), currencyCode: 'USD', scale: 2 },
          { key: 'probability', type: 'percent', label: l('Probability', '概率'), scale: 1, min: '0', max: '100' },
          { key: 'tags', type: 'multi_select', label: l('Tags', '标签'), options: TAGS.map((t) => ({ key: tagKey(t), label: l(t, t) })) },
          { key: 'is_active', type: 'boolean', label: l('Active', '有效') },
          { key: 'created_on', type: 'date', label: l('First contact', '首次联系') },
          { key: 'updated_on', type: 'datetime', label: l('Last contact', '最近联系') },
          { key: 'owner_id', type: 'user', label: l('Account manager', '客户经理') },
          { key: 'notes', type: 'long_text', label: l('Notes', '备注') },
          { key: 'account_id', type: 'lookup', label: l('Account', '客户'), target: ACCOUNT, onDelete: 'set_null' },
          { key: 'postal_code', type: 'text', label: l('Postal code', '邮编'), maxLength: 10 },
          { key: 'website', type: 'url', label: l('Website', '网站') },
        ],
        // The index the view below needs: equality on status, then its sort with the
        // engine's `_id` tie-breaker. Declared by hand until views derive their indexes.
        indexes: [
          {
            key: 'status_score',
            fields: [
              { field: 'status', direction: 'asc' },
              { field: 'score', direction: 'desc' },
              { field: '_id', direction: 'desc' },
            ],
          },
        ],
      },
    ],
    forms: [],
    views: [
      {
        type: 'list',
        key: LEAD_VIEW,
        entity: LEAD,
        label: l('Qualified leads by score', '按评分排列的合格线索'),
        filter: { field: 'status', op: 'eq', value: 'qualified' },
        sort: [{ field: 'score', direction: 'desc' }],
        columns: ['name', 'company', 'status', 'score', 'revenue', 'owner_id'].map((field) => ({ field })),
        pageSize: 50,
      },
    ],
    rules: [],
    workflows: [],
    roles: [
      {
        key: REP_ROLE,
        label: l('Sales rep', '销售代表'),
        entities: {
          [LEAD]: { create: true, read: true, update: true, scope: 'own', fields: { phone: { mask: { keepStart: 3, keepEnd: 4 } } } },
          [ACCOUNT]: { read: true, scope: 'all' },
        },
      },
    ],
  };
}
