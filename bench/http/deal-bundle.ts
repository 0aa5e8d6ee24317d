import type { Bundle } from '@metacrm/metadata';

const l = (en: string, zh: string) => ({ 'zh-CN': zh, en });

/** The measured entity; its records are `rec_deal`. */
export const DEAL = 'deal';
/** The list view the LIST figures read: open deals at one stage, largest first, 50 a page. */
export const DEAL_VIEW = 'proposals_by_amount';
export const STAGES = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export const REGIONS = ['emea', 'apac', 'amer'] as const;
export const SOURCES = ['web', 'referral', 'event', 'partner', 'outbound'] as const;

/**
 * The peers' benchmark data (issue #19): a 12-field deal (text, currency, select,
 * percent, date, email, integer, long text, boolean, url), the same shape the NocoBase
 * and Strapi figures were taken with, and one list view with its index: equality on
 * the stage, then the sort with the engine's `_id` tie-breaker.
 */
export function dealBundle(): Bundle {
  const options = (keys: readonly string[]) => keys.map((key) => ({ key, label: l(key, key) }));
  return {
    entities: [
      {
        key: DEAL,
        label: l('Deal', '商机'),
        displayField: 'title',
        fields: [
          { key: 'title', type: 'text', label: l('Title', '标题'), required: true, maxLength: 200 },
          { key: 'amount', type: 'currency', label: l('Amount', '金额'), currencyCode: 'USD', scale: 2 },
          { key: 'stage', type: 'single_select', label: l('Stage', '阶段'), required: true, options: options(STAGES) },
          { key: 'probability', type: 'percent', label: l('Probability', '概率'), scale: 0, min: '0', max: '100' },
          { key: 'close_date', type: 'date', label: l('Close date', '预计成交') },
          { key: 'contact_email', type: 'email', label: l('Contact email', '联系人邮箱') },
          { key: 'company', type: 'text', label: l('Company', '公司'), maxLength: 120 },
          { key: 'region', type: 'single_select', label: l('Region', '区域'), options: options(REGIONS) },
          { key: 'source', type: 'single_select', label: l('Source', '来源'), options: options(SOURCES) },
          { key: 'priority', type: 'integer', label: l('Priority', '优先级'), min: 1, max: 5 },
          { key: 'notes', type: 'long_text', label: l('Notes', '备注') },
          { key: 'website', type: 'url', label: l('Website', '网站') },
        ],
        indexes: [
          {
            key: 'stage_amount',
            fields: [
              { field: 'stage', direction: 'asc' },
              { field: 'amount', direction: 'desc' },
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
        key: DEAL_VIEW,
        entity: DEAL,
        label: l('Proposals by amount', '按金额排列的报价阶段商机'),
        filter: { field: 'stage', op: 'eq', value: 'proposal' },
        sort: [{ field: 'amount', direction: 'desc' }],
        columns: ['title', 'company', 'stage', 'amount', 'close_date', 'region'].map((field) => ({ field })),
        pageSize: 50,
      },
    ],
    rules: [],
    workflows: [],
    roles: [],
  };
}
