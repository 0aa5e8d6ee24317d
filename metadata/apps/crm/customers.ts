/** Customer management: customers, contacts and activities (follow-ups). */
import type { Form, View } from '@metacrm/metadata';
import { calendar, entity, field, form, kanban, list, lookup, options, rollup, type EntitySpec } from './dsl.js';

export const INDUSTRIES = options([
  ['it', '信息技术', 'Information technology'],
  ['manufacturing', '制造业', 'Manufacturing'],
  ['finance', '金融', 'Finance'],
  ['retail', '零售', 'Retail'],
  ['education', '教育', 'Education'],
  ['healthcare', '医疗健康', 'Healthcare'],
  ['real_estate', '房地产', 'Real estate'],
  ['logistics', '物流', 'Logistics'],
  ['energy', '能源', 'Energy'],
  ['other', '其他', 'Other'],
]);

export const SOURCES = options([
  ['website', '官网', 'Website'],
  ['referral', '客户推荐', 'Referral'],
  ['trade_show', '展会', 'Trade show'],
  ['cold_call', '电话营销', 'Cold call'],
  ['advertising', '广告', 'Advertising'],
  ['social', '社交媒体', 'Social media'],
  ['partner', '合作伙伴', 'Partner'],
  ['campaign', '市场活动', 'Campaign'],
  ['other', '其他', 'Other'],
]);

export const REGIONS = options([
  ['north', '华北', 'North China'],
  ['east', '华东', 'East China'],
  ['south', '华南', 'South China'],
  ['central', '华中', 'Central China'],
  ['southwest', '西南', 'Southwest China'],
  ['northwest', '西北', 'Northwest China'],
  ['northeast', '东北', 'Northeast China'],
  ['overseas', '海外', 'Overseas'],
]);

/**
 * Days without a follow-up, a new opportunity or a deal after which a customer of each
 * level returns to the pool (公海); levels not listed use the last figure.
 */
export const RECYCLE_DAYS = { a: 60, b: 45, c: 30, d: 15 } as const;

/** When the customer enters the pool: none for a locked or closed (won) customer, which stays. */
const poolDueAt = {
  if: [
    { or: [{ '==': [{ var: 'locked' }, true] }, { '==': [{ var: 'deal_status' }, 'closed'] }, { '!': { var: 'pool_clock_at' } }] },
    null,
    {
      date_add: [
        { var: 'pool_clock_at' },
        {
          if: [
            { '==': [{ var: 'level' }, 'a'] },
            RECYCLE_DAYS.a,
            { '==': [{ var: 'level' }, 'b'] },
            RECYCLE_DAYS.b,
            { '==': [{ var: 'level' }, 'c'] },
            RECYCLE_DAYS.c,
            RECYCLE_DAYS.d,
          ],
        },
        'day',
      ],
    },
  ],
};

const customer: EntitySpec = {
  key: 'customer',
  label: ['客户', 'Customer'],
  plural: ['客户', 'Customers'],
  icon: 'building',
  displayField: 'name',
  fields: [
    field('name', 'text', '客户名称', 'Name', { required: true, maxLength: 200 }),
    field('number', 'auto_number', '客户编号', 'Number', { prefix: 'CUS', digits: 6 }),
    field('level', 'single_select', '客户级别', 'Level', {
      default: 'c',
      options: options([
        ['a', 'A 重点客户', 'A key account', '#d4380d'],
        ['b', 'B 普通客户', 'B regular', '#fa8c16'],
        ['c', 'C 一般客户', 'C minor', '#1677ff'],
        ['d', 'D 潜在客户', 'D prospect', '#8c8c8c'],
      ]),
    }),
    field('industry', 'single_select', '行业', 'Industry', { options: INDUSTRIES }),
    field('source', 'single_select', '客户来源', 'Source', { options: SOURCES }),
    field('region', 'single_select', '地区', 'Region', { options: REGIONS }),
    field('tags', 'multi_select', '标签', 'Tags', {
      options: options([
        ['strategic', '战略客户', 'Strategic'],
        ['high_potential', '高潜力', 'High potential'],
        ['price_sensitive', '价格敏感', 'Price sensitive'],
        ['government', '政府', 'Government'],
        ['soe', '国企', 'State-owned'],
        ['listed', '上市公司', 'Listed company'],
      ]),
    }),
    field('deal_status', 'single_select', '成交状态', 'Deal status', {
      default: 'not_closed',
      options: options([
        ['not_closed', '未成交', 'Not closed'],
        ['closed', '已成交', 'Closed'],
      ]),
    }),
    field('locked', 'boolean', '锁定', 'Locked', {
      default: false,
      helpText: { 'zh-CN': '锁定的客户不会被回收到公海', en: 'A locked customer is never recycled to the pool' },
    }),
    field('phone', 'phone', '电话', 'Phone'),
    field('email', 'email', '邮箱', 'Email'),
    field('website', 'url', '网址', 'Website'),
    field('address', 'long_text', '地址', 'Address', { maxLength: 500 }),
    field('tax_number', 'text', '税号', 'Tax number', { maxLength: 30 }),
    field('bank_name', 'text', '开户银行', 'Bank', { maxLength: 100 }),
    field('bank_account', 'text', '银行账号', 'Bank account', { maxLength: 40 }),
    field('employees', 'integer', '员工人数', 'Employees', { min: 0 }),
    field('last_follow_up_at', 'datetime', '最后跟进时间', 'Last follow-up'),
    // 公海: the idle clock restarts on a follow-up, a new opportunity, a claim or an assignment
    // (workflows.ts); the customer enters the pool RECYCLE_DAYS of its level later.
    field('pool_clock_at', 'datetime', '回收计时起点', 'Idle since', {
      default: { var: '$now' },
      helpText: { 'zh-CN': '最近一次跟进、新商机、领取或分配的时间', en: 'The last follow-up, new opportunity, claim or assignment' },
    }),
    field('pool_due_at', 'formula', '进入公海时间', 'Enters the pool', { resultType: 'datetime', expression: poolDueAt }),
    field('previous_owner', 'user', '前负责人', 'Previous owner'),
    field('reclaim_after', 'datetime', '前负责人可领回时间', 'Previous owner may reclaim from'),
    field('next_contact_date', 'date', '下次联系日期', 'Next contact date'),
    field('description', 'long_text', '备注', 'Notes'),
    rollup('contact_count', '联系人数', 'Contacts', 'contact', 'customer', 'count'),
    rollup('opportunity_count', '商机数', 'Opportunities', 'opportunity', 'customer', 'count'),
    rollup('contract_amount', '合同总额', 'Contract amount', 'contract', 'customer', 'sum', 'amount'),
    rollup('ticket_count', '工单数', 'Tickets', 'ticket', 'customer', 'count'),
  ],
  indexes: [
    { key: 'by_pool_due_at', fields: [{ field: 'pool_due_at', direction: 'asc' }] },
    { key: 'by_name', fields: [{ field: 'name', direction: 'asc' }] },
    { key: 'by_phone', fields: [{ field: 'phone', direction: 'asc' }] },
    { key: 'by_email', fields: [{ field: 'email', direction: 'asc' }] },
  ],
  // 查重: one customer per company name (owned or in the pool); a phone or email already
  // known on a customer or lead is worth a warning.
  duplicateRules: [
    { key: 'same_name', field: 'name', mode: 'block', match: [{ entity: 'customer', field: 'name' }] },
    {
      key: 'same_phone',
      field: 'phone',
      mode: 'warn',
      match: [
        { entity: 'customer', field: 'phone' },
        { entity: 'lead', field: 'phone' },
      ],
    },
    {
      key: 'same_email',
      field: 'email',
      mode: 'warn',
      match: [
        { entity: 'customer', field: 'email' },
        { entity: 'lead', field: 'email' },
      ],
    },
  ],
};

const contact: EntitySpec = {
  key: 'contact',
  label: ['联系人', 'Contact'],
  plural: ['联系人', 'Contacts'],
  icon: 'user',
  displayField: 'name',
  fields: [
    field('name', 'text', '姓名', 'Name', { required: true, maxLength: 100 }),
    lookup('customer', 'customer', '客户', 'Customer', { onDelete: 'cascade', relatedListLabel: { 'zh-CN': '联系人', en: 'Contacts' } }),
    field('title', 'text', '职务', 'Title', { maxLength: 100 }),
    field('department', 'text', '部门', 'Department', { maxLength: 100 }),
    field('mobile', 'phone', '手机', 'Mobile'),
    field('phone', 'phone', '电话', 'Phone'),
    field('email', 'email', '邮箱', 'Email'),
    field('wechat', 'text', '微信', 'WeChat', { maxLength: 60 }),
    field('primary', 'boolean', '主要联系人', 'Primary contact', { default: false }),
    field('decision_role', 'single_select', '决策角色', 'Decision role', {
      options: options([
        ['decision_maker', '决策者', 'Decision maker'],
        ['influencer', '影响者', 'Influencer'],
        ['user', '使用者', 'User'],
        ['gatekeeper', '把关者', 'Gatekeeper'],
      ]),
    }),
    field('birthday', 'date', '生日', 'Birthday'),
    field('next_contact_date', 'date', '下次联系日期', 'Next contact date'),
    field('notes', 'long_text', '备注', 'Notes'),
  ],
  // The lead and customer duplicate rules look contacts up by mobile and email.
  indexes: [
    { key: 'by_mobile', fields: [{ field: 'mobile', direction: 'asc' }] },
    { key: 'by_email', fields: [{ field: 'email', direction: 'asc' }] },
  ],
};

export const ACTIVITY_TYPES = options([
  ['call', '电话', 'Call', '#1677ff'],
  ['visit', '拜访', 'Visit', '#52c41a'],
  ['email', '邮件', 'Email', '#722ed1'],
  ['note', '笔记', 'Note', '#8c8c8c'],
  ['meeting', '会议', 'Meeting', '#fa8c16'],
]);

const activity: EntitySpec = {
  key: 'activity',
  label: ['跟进记录', 'Activity'],
  plural: ['跟进记录', 'Activities'],
  icon: 'message-circle',
  displayField: 'subject',
  fields: [
    field('subject', 'text', '主题', 'Subject', { required: true, maxLength: 200 }),
    field('type', 'single_select', '跟进方式', 'Type', { required: true, default: 'call', options: ACTIVITY_TYPES }),
    field('occurred_at', 'datetime', '跟进时间', 'When', { required: true, default: { var: '$now' } }),
    lookup('customer', 'customer', '客户', 'Customer', {
      onDelete: 'cascade',
      relatedListLabel: { 'zh-CN': '客户时间线', en: 'Customer timeline' },
    }),
    lookup('contact', 'contact', '联系人', 'Contact'),
    lookup('lead', 'lead', '线索', 'Lead', { onDelete: 'cascade' }),
    lookup('opportunity', 'opportunity', '商机', 'Opportunity'),
    field('content', 'long_text', '内容', 'Content', { maxLength: 5000 }),
    field('duration_minutes', 'integer', '时长（分钟）', 'Duration (minutes)', { min: 0, max: 1440 }),
    field('next_contact_date', 'date', '下次联系日期', 'Next contact date'),
    field('next_step', 'text', '下一步', 'Next step', { maxLength: 200 }),
  ],
};

export const customerEntities = [entity(customer), entity(contact), entity(activity)];

export const customerForms: Form[] = [
  form('customer', '客户', 'Customer', [
    ['basics', '基本信息', 'Basics', ['name', 'level', 'industry', 'source', 'region', 'tags', 'deal_status', 'locked']],
    ['contact_info', '联系方式', 'Contact details', ['phone', 'email', 'website', 'address']],
    ['finance', '开票信息', 'Billing details', ['tax_number', 'bank_name', 'bank_account', 'employees']],
    ['follow_up', '跟进', 'Follow-up', ['next_contact_date', 'pool_due_at', 'description']],
  ]),
  form('contact', '联系人', 'Contact', [
    ['basics', '基本信息', 'Basics', ['name', 'customer', 'title', 'department', 'decision_role', 'primary']],
    ['contact_info', '联系方式', 'Contact details', ['mobile', 'phone', 'email', 'wechat', 'birthday', 'next_contact_date', 'notes']],
  ]),
  form('activity', '跟进记录', 'Activity', [
    ['basics', '跟进', 'Follow-up', ['subject', 'type', 'occurred_at', 'duration_minutes', 'customer', 'contact', 'lead', 'opportunity']],
    ['details', '内容', 'Details', ['content', 'next_contact_date', 'next_step']],
  ]),
];

export const customerViews: View[] = [
  list(
    'customer',
    'customers_all',
    '全部客户',
    'All customers',
    ['name', 'number', 'level', 'industry', 'region', 'deal_status', 'last_follow_up_at', '_ownerId'],
    { default: true, sort: [{ field: '_updatedAt', direction: 'desc' }] },
  ),
  list('customer', 'customers_key', '重点客户', 'Key accounts', ['name', 'level', 'industry', 'contract_amount', '_ownerId'], {
    filter: { field: 'level', op: 'eq', value: 'a' },
    sort: [{ field: 'contract_amount', direction: 'desc' }],
  }),
  list('customer', 'customers_due_today', '今日待联系', 'To contact today', ['name', 'level', 'next_contact_date', 'phone', '_ownerId'], {
    filter: { field: 'next_contact_date', op: 'relative', value: 'today' },
  }),
  list(
    'customer',
    'customers_pool',
    '公海客户',
    'Customer pool',
    ['name', 'level', 'industry', 'region', 'previous_owner', 'reclaim_after'],
    { filter: { field: '_ownerId', op: 'isEmpty' }, sort: [{ field: '_updatedAt', direction: 'desc' }] },
  ),
  list(
    'customer',
    'customers_entering_pool',
    '即将进入公海',
    'About to enter the pool',
    ['name', 'level', 'pool_due_at', 'last_follow_up_at', '_ownerId'],
    { filter: { field: 'pool_due_at', op: 'relative', value: 'next_7_days' }, sort: [{ field: 'pool_due_at', direction: 'asc' }] },
  ),
  kanban('customer', 'customers_by_level', '按级别', 'By level', 'level', ['name', 'industry', 'contract_amount']),
  list('contact', 'contacts_all', '全部联系人', 'All contacts', ['name', 'customer', 'title', 'mobile', 'email', 'primary'], {
    default: true,
  }),
  list('contact', 'contacts_due_today', '今日待联系', 'To contact today', ['name', 'customer', 'mobile', 'next_contact_date'], {
    filter: { field: 'next_contact_date', op: 'relative', value: 'today' },
  }),
  list(
    'activity',
    'activities_all',
    '全部跟进',
    'All activities',
    ['subject', 'type', 'occurred_at', 'customer', 'contact', 'next_contact_date', '_ownerId'],
    { default: true, sort: [{ field: 'occurred_at', direction: 'desc' }] },
  ),
  calendar('activity', 'activities_calendar', '跟进日历', 'Activity calendar', 'occurred_at', 'subject'),
  calendar('activity', 'activities_next_contact', '下次联系', 'Next contacts', 'next_contact_date', 'subject'),
];
