/** Sales: leads, opportunities, products and the price book, quotes with line items, orders. */
import type { Form, View } from '@metacrm/metadata';
import { INDUSTRIES, REGIONS, SOURCES } from './customers.js';
import { entity, field, form, kanban, list, lookup, money, options, rollup, calendar, type EntitySpec } from './dsl.js';

const lead: EntitySpec = {
  key: 'lead',
  label: ['线索', 'Lead'],
  plural: ['线索', 'Leads'],
  icon: 'target',
  displayField: 'name',
  fields: [
    field('name', 'text', '姓名', 'Name', { required: true, maxLength: 100 }),
    field('company', 'text', '公司', 'Company', { maxLength: 200 }),
    field('title', 'text', '职务', 'Title', { maxLength: 100 }),
    field('phone', 'phone', '电话', 'Phone'),
    field('email', 'email', '邮箱', 'Email'),
    field('source', 'single_select', '线索来源', 'Source', { options: SOURCES }),
    field('industry', 'single_select', '行业', 'Industry', { options: INDUSTRIES }),
    field('region', 'single_select', '地区', 'Region', { options: REGIONS }),
    field('status', 'single_select', '状态', 'Status', {
      default: 'new',
      options: options([
        ['new', '新线索', 'New', '#1677ff'],
        ['contacted', '已联系', 'Contacted', '#13c2c2'],
        ['qualified', '已确认', 'Qualified', '#52c41a'],
        ['converted', '已转化', 'Converted', '#389e0d'],
        ['unqualified', '无效', 'Unqualified', '#8c8c8c'],
      ]),
    }),
    field('rating', 'single_select', '意向', 'Rating', {
      options: options([
        ['hot', '热', 'Hot', '#f5222d'],
        ['warm', '温', 'Warm', '#fa8c16'],
        ['cold', '冷', 'Cold', '#1677ff'],
      ]),
    }),
    lookup('campaign', 'campaign', '市场活动', 'Campaign'),
    field('next_contact_date', 'date', '下次联系日期', 'Next contact date'),
    field('description', 'long_text', '描述', 'Description'),
    lookup('converted_customer', 'customer', '转化客户', 'Converted customer', { readOnly: true }),
    lookup('converted_contact', 'contact', '转化联系人', 'Converted contact', { readOnly: true }),
    lookup('converted_opportunity', 'opportunity', '转化商机', 'Converted opportunity', { readOnly: true }),
    field('converted_at', 'datetime', '转化时间', 'Converted at', { readOnly: true }),
  ],
  indexes: [
    { key: 'by_company', fields: [{ field: 'company', direction: 'asc' }] },
    { key: 'by_phone', fields: [{ field: 'phone', direction: 'asc' }] },
    { key: 'by_email', fields: [{ field: 'email', direction: 'asc' }] },
  ],
  // 查重 on entry and import: a lead whose company, phone or email is already a customer's
  // (owned or in the pool), a contact's or another lead's is saved with a warning that says whose.
  duplicateRules: [
    {
      key: 'same_company',
      field: 'company',
      mode: 'warn',
      match: [
        { entity: 'customer', field: 'name' },
        { entity: 'lead', field: 'company' },
      ],
    },
    {
      key: 'same_phone',
      field: 'phone',
      mode: 'warn',
      match: [
        { entity: 'lead', field: 'phone' },
        { entity: 'customer', field: 'phone' },
        { entity: 'contact', field: 'mobile' },
      ],
    },
    {
      key: 'same_email',
      field: 'email',
      mode: 'warn',
      match: [
        { entity: 'lead', field: 'email' },
        { entity: 'customer', field: 'email' },
        { entity: 'contact', field: 'email' },
      ],
    },
  ],
};

/** The opportunity stages in order, with the win rate each implies (the weighted forecast reads it). */
export const OPPORTUNITY_STAGES: [key: string, zh: string, en: string, probability: number, color: string][] = [
  ['qualification', '初步接洽', 'Qualification', 10, '#8c8c8c'],
  ['needs_analysis', '需求确认', 'Needs analysis', 25, '#1677ff'],
  ['proposal', '方案报价', 'Proposal', 50, '#13c2c2'],
  ['negotiation', '谈判审核', 'Negotiation', 75, '#fa8c16'],
  ['won', '赢单', 'Won', 100, '#52c41a'],
  ['lost', '输单', 'Lost', 0, '#f5222d'],
];

/** Guided stages: forward one step (or back one), lost from anywhere open; a stage's fields are needed to enter it. */
const OPPORTUNITY_PROCESS = {
  stages: {
    qualification: { next: ['needs_analysis', 'lost'] },
    needs_analysis: { next: ['proposal', 'qualification', 'lost'], requiredFields: ['contact'] },
    proposal: { next: ['negotiation', 'needs_analysis', 'lost'], requiredFields: ['amount', 'expected_close_date'] },
    negotiation: { next: ['won', 'proposal', 'lost'], requiredFields: ['amount', 'expected_close_date'] },
    won: { next: [], requiredFields: ['amount', 'won_reason'] },
    lost: { next: ['qualification'], requiredFields: ['lost_reason'] },
  },
};

const probabilityByStage = {
  if: [...OPPORTUNITY_STAGES.flatMap(([key, , , p]) => [{ '==': [{ var: 'stage' }, key] }, p]), 0],
};

const opportunity: EntitySpec = {
  key: 'opportunity',
  label: ['商机', 'Opportunity'],
  plural: ['商机', 'Opportunities'],
  icon: 'trending-up',
  displayField: 'name',
  fields: [
    field('name', 'text', '商机名称', 'Name', { required: true, maxLength: 200 }),
    lookup('customer', 'customer', '客户', 'Customer', {
      required: true,
      onDelete: 'restrict',
      relatedListLabel: { 'zh-CN': '商机', en: 'Opportunities' },
    }),
    lookup('contact', 'contact', '联系人', 'Contact'),
    money('amount', '金额', 'Amount'),
    field('stage', 'single_select', '销售阶段', 'Stage', {
      required: true,
      default: 'qualification',
      options: options(OPPORTUNITY_STAGES.map(([k, zh, en, , c]) => [k, zh, en, c])),
      process: OPPORTUNITY_PROCESS,
    }),
    field('probability', 'formula', '赢率', 'Probability', { resultType: 'percent', scale: 0, expression: probabilityByStage }),
    field('weighted_amount', 'formula', '加权金额', 'Weighted amount', {
      resultType: 'currency',
      scale: 2,
      expression: { '/': [{ '*': [{ var: 'amount' }, { var: 'probability' }] }, 100] },
    }),
    field('expected_close_date', 'date', '预计成交日期', 'Expected close date'),
    field('closed_on', 'date', '实际成交日期', 'Closed on'),
    field('source', 'single_select', '来源', 'Source', { options: SOURCES }),
    lookup('campaign', 'campaign', '市场活动', 'Campaign'),
    field('next_step', 'text', '下一步', 'Next step', { maxLength: 200 }),
    field('won_reason', 'single_select', '赢单原因', 'Won reason', {
      options: options([
        ['price', '价格优势', 'Price'],
        ['product', '产品功能', 'Product fit'],
        ['relationship', '客户关系', 'Relationship'],
        ['service', '服务能力', 'Service'],
        ['other', '其他', 'Other'],
      ]),
    }),
    field('lost_reason', 'single_select', '输单原因', 'Lost reason', {
      options: options([
        ['price', '价格过高', 'Price too high'],
        ['competitor', '竞争对手', 'Lost to a competitor'],
        ['no_budget', '无预算', 'No budget'],
        ['no_decision', '未决策', 'No decision'],
        ['product_gap', '功能不满足', 'Product gap'],
        ['other', '其他', 'Other'],
      ]),
    }),
    field('competitor', 'text', '竞争对手', 'Competitor', { maxLength: 200 }),
    field('description', 'long_text', '描述', 'Description'),
    rollup('quote_count', '报价单数', 'Quotes', 'quote', 'opportunity', 'count'),
  ],
};

const product: EntitySpec = {
  key: 'product',
  label: ['产品', 'Product'],
  plural: ['产品', 'Products'],
  icon: 'package',
  displayField: 'name',
  fields: [
    field('name', 'text', '产品名称', 'Name', { required: true, maxLength: 200 }),
    field('code', 'text', '产品编码', 'Code', { unique: true, maxLength: 40 }),
    field('category', 'single_select', '产品类别', 'Category', {
      options: options([
        ['software', '软件', 'Software'],
        ['hardware', '硬件', 'Hardware'],
        ['service', '服务', 'Service'],
        ['subscription', '订阅', 'Subscription'],
        ['training', '培训', 'Training'],
      ]),
    }),
    field('unit', 'single_select', '单位', 'Unit', {
      default: 'piece',
      options: options([
        ['piece', '个', 'Piece'],
        ['set', '套', 'Set'],
        ['license', '许可', 'License'],
        ['year', '年', 'Year'],
        ['day', '人天', 'Person-day'],
      ]),
    }),
    money('list_price', '标准价格', 'List price', { required: true }),
    field('active', 'boolean', '上架', 'Active', { default: true }),
    field('description', 'long_text', '描述', 'Description'),
  ],
};

const priceBook: EntitySpec = {
  key: 'price_book',
  label: ['价格表', 'Price book'],
  plural: ['价格表', 'Price books'],
  icon: 'book-open',
  displayField: 'name',
  fields: [
    field('name', 'text', '名称', 'Name', { required: true, maxLength: 100 }),
    field('active', 'boolean', '启用', 'Active', { default: true }),
    field('valid_from', 'date', '生效日期', 'Valid from'),
    field('valid_to', 'date', '失效日期', 'Valid to'),
    field('description', 'long_text', '描述', 'Description'),
  ],
};

const priceBookEntry: EntitySpec = {
  key: 'price_book_entry',
  label: ['价格表条目', 'Price book entry'],
  plural: ['价格表条目', 'Price book entries'],
  icon: 'tag',
  displayField: 'name',
  fields: [
    field('name', 'text', '名称', 'Name', { required: true, maxLength: 200 }),
    lookup('price_book', 'price_book', '价格表', 'Price book', { required: true, onDelete: 'cascade' }),
    lookup('product', 'product', '产品', 'Product', { required: true, onDelete: 'cascade' }),
    money('unit_price', '单价', 'Unit price', { required: true }),
    field('min_quantity', 'integer', '起订量', 'Minimum quantity', { min: 1, default: 1 }),
  ],
};

const quote: EntitySpec = {
  key: 'quote',
  label: ['报价单', 'Quote'],
  plural: ['报价单', 'Quotes'],
  icon: 'file-text',
  displayField: 'name',
  fields: [
    field('name', 'text', '报价单名称', 'Name', { required: true, maxLength: 200 }),
    field('number', 'auto_number', '报价单号', 'Number', { prefix: 'QT', dateFormat: 'YYYYMM', digits: 5 }),
    lookup('opportunity', 'opportunity', '商机', 'Opportunity', { onDelete: 'cascade' }),
    lookup('customer', 'customer', '客户', 'Customer', { required: true, onDelete: 'restrict' }),
    lookup('price_book', 'price_book', '价格表', 'Price book'),
    field('status', 'single_select', '状态', 'Status', {
      default: 'draft',
      options: options([
        ['draft', '草稿', 'Draft', '#8c8c8c'],
        ['submitted', '已提交', 'Submitted', '#1677ff'],
        ['pending_approval', '审批中', 'Pending approval', '#fa8c16'],
        ['approved', '已批准', 'Approved', '#52c41a'],
        ['rejected', '已驳回', 'Rejected', '#f5222d'],
        ['sent', '已发送', 'Sent', '#13c2c2'],
        ['accepted', '客户已接受', 'Accepted', '#389e0d'],
      ]),
    }),
    field('valid_until', 'date', '有效期至', 'Valid until'),
    field('discount_percent', 'percent', '整单折扣', 'Discount', { scale: 2, min: '0', max: '100', default: '0' }),
    rollup('line_count', '明细行数', 'Lines', 'quote_line', 'quote', 'count'),
    rollup('subtotal', '小计', 'Subtotal', 'quote_line', 'quote', 'sum', 'line_total'),
    rollup('max_line_discount', '最大行折扣', 'Largest line discount', 'quote_line', 'quote', 'max', 'discount_percent'),
    field('total', 'formula', '合计', 'Total', {
      resultType: 'currency',
      scale: 2,
      expression: { '/': [{ '*': [{ var: 'subtotal' }, { '-': [100, { var: 'discount_percent' }] }] }, 100] },
    }),
    field('terms', 'long_text', '条款', 'Terms'),
  ],
};

const quoteLine: EntitySpec = {
  key: 'quote_line',
  label: ['报价明细', 'Quote line'],
  plural: ['报价明细', 'Quote lines'],
  icon: 'list',
  displayField: 'description',
  fields: [
    lookup('quote', 'quote', '报价单', 'Quote', {
      required: true,
      onDelete: 'cascade',
      relatedListLabel: { 'zh-CN': '报价明细', en: 'Lines' },
    }),
    lookup('product', 'product', '产品', 'Product', { required: true, onDelete: 'restrict' }),
    field('description', 'text', '说明', 'Description', { maxLength: 200 }),
    field('quantity', 'decimal', '数量', 'Quantity', { required: true, scale: 2, min: '0.01', default: '1' }),
    money('unit_price', '单价', 'Unit price', { required: true }),
    field('discount_percent', 'percent', '折扣', 'Discount', { scale: 2, min: '0', max: '100', default: '0' }),
    field('line_total', 'formula', '小计', 'Line total', {
      resultType: 'currency',
      scale: 2,
      expression: {
        '/': [{ '*': [{ var: 'quantity' }, { var: 'unit_price' }, { '-': [100, { var: 'discount_percent' }] }] }, 100],
      },
    }),
  ],
};

const order: EntitySpec = {
  key: 'sales_order',
  label: ['订单', 'Order'],
  plural: ['订单', 'Orders'],
  icon: 'shopping-cart',
  displayField: 'number',
  fields: [
    field('number', 'auto_number', '订单号', 'Number', { prefix: 'SO', dateFormat: 'YYYYMM', digits: 5 }),
    lookup('customer', 'customer', '客户', 'Customer', { required: true, onDelete: 'restrict' }),
    lookup('opportunity', 'opportunity', '商机', 'Opportunity'),
    lookup('quote', 'quote', '报价单', 'Quote'),
    money('amount', '订单金额', 'Amount', { required: true }),
    field('order_date', 'date', '下单日期', 'Order date', { default: { var: '$today' } }),
    field('status', 'single_select', '状态', 'Status', {
      default: 'confirmed',
      options: options([
        ['draft', '草稿', 'Draft'],
        ['confirmed', '已确认', 'Confirmed'],
        ['shipped', '已发货', 'Shipped'],
        ['completed', '已完成', 'Completed'],
        ['cancelled', '已取消', 'Cancelled'],
      ]),
    }),
    field('notes', 'long_text', '备注', 'Notes'),
  ],
};

export const salesEntities = [lead, opportunity, product, priceBook, priceBookEntry, quote, quoteLine, order].map(entity);

export const salesForms: Form[] = [
  form('lead', '线索', 'Lead', [
    ['basics', '基本信息', 'Basics', ['name', 'company', 'title', 'phone', 'email', 'source', 'industry', 'region']],
    ['qualification', '跟进', 'Qualification', ['status', 'rating', 'campaign', 'next_contact_date', 'description']],
    ['conversion', '转化', 'Conversion', ['converted_customer', 'converted_contact', 'converted_opportunity', 'converted_at']],
  ]),
  form('opportunity', '商机', 'Opportunity', [
    [
      'basics',
      '基本信息',
      'Basics',
      ['name', 'customer', 'contact', 'amount', 'stage', 'probability', 'weighted_amount', 'expected_close_date', 'source', 'campaign'],
    ],
    ['progress', '进展', 'Progress', ['next_step', 'competitor', 'description']],
    [
      'outcome',
      '结果',
      'Outcome',
      [
        { field: 'closed_on', visibleWhen: { in: [{ var: 'stage' }, ['won', 'lost']] } },
        { field: 'won_reason', visibleWhen: { '==': [{ var: 'stage' }, 'won'] } },
        { field: 'lost_reason', visibleWhen: { '==': [{ var: 'stage' }, 'lost'] } },
      ],
    ],
  ]),
  form('product', '产品', 'Product', [
    ['basics', '基本信息', 'Basics', ['name', 'code', 'category', 'unit', 'list_price', 'active', 'description']],
  ]),
  form('price_book', '价格表', 'Price book', [
    ['basics', '基本信息', 'Basics', ['name', 'active', 'valid_from', 'valid_to', 'description']],
  ]),
  form('price_book_entry', '价格表条目', 'Price book entry', [
    ['basics', '基本信息', 'Basics', ['name', 'price_book', 'product', 'unit_price', 'min_quantity']],
  ]),
  form('quote', '报价单', 'Quote', [
    ['basics', '基本信息', 'Basics', ['name', 'opportunity', 'customer', 'price_book', 'status', 'valid_until']],
    ['totals', '金额', 'Totals', ['subtotal', 'discount_percent', 'total', 'line_count', 'terms']],
  ]),
  form('quote_line', '报价明细', 'Quote line', [
    ['basics', '明细', 'Line', ['quote', 'product', 'description', 'quantity', 'unit_price', 'discount_percent', 'line_total']],
  ]),
  form('sales_order', '订单', 'Order', [
    ['basics', '基本信息', 'Basics', ['customer', 'opportunity', 'quote', 'amount', 'order_date', 'status', 'notes']],
  ]),
];

const open = { field: 'stage', op: 'nin', value: ['won', 'lost'] };

export const salesViews: View[] = [
  list('lead', 'leads_all', '全部线索', 'All leads', ['name', 'company', 'phone', 'source', 'status', 'rating', '_ownerId', '_createdAt'], {
    default: true,
    sort: [{ field: '_createdAt', direction: 'desc' }],
  }),
  list('lead', 'leads_open', '待跟进线索', 'Open leads', ['name', 'company', 'status', 'next_contact_date', '_ownerId'], {
    filter: { field: 'status', op: 'in', value: ['new', 'contacted', 'qualified'] },
    sort: [{ field: 'next_contact_date', direction: 'asc' }],
  }),
  kanban('lead', 'leads_board', '线索看板', 'Lead board', 'status', ['name', 'company', 'rating']),
  list(
    'opportunity',
    'opportunities_open',
    '进行中商机',
    'Open opportunities',
    ['name', 'customer', 'amount', 'stage', 'probability', 'expected_close_date', '_ownerId'],
    { default: true, filter: open, sort: [{ field: 'expected_close_date', direction: 'asc' }] },
  ),
  list(
    'opportunity',
    'opportunities_won',
    '赢单商机',
    'Won opportunities',
    ['name', 'customer', 'amount', 'closed_on', 'won_reason', '_ownerId'],
    { filter: { field: 'stage', op: 'eq', value: 'won' }, sort: [{ field: 'closed_on', direction: 'desc' }] },
  ),
  kanban('opportunity', 'pipeline', '销售漏斗', 'Pipeline', 'stage', ['name', 'customer', 'amount', 'expected_close_date']),
  calendar('opportunity', 'opportunities_closing', '预计成交', 'Closing dates', 'expected_close_date', 'name', { filter: open }),
  list('product', 'products_all', '全部产品', 'All products', ['name', 'code', 'category', 'unit', 'list_price', 'active'], {
    default: true,
  }),
  list('price_book', 'price_books_all', '全部价格表', 'All price books', ['name', 'active', 'valid_from', 'valid_to'], { default: true }),
  list('price_book_entry', 'price_book_entries_all', '全部条目', 'All entries', ['name', 'price_book', 'product', 'unit_price'], {
    default: true,
  }),
  list('quote', 'quotes_all', '全部报价单', 'All quotes', ['number', 'name', 'customer', 'status', 'total', 'valid_until', '_ownerId'], {
    default: true,
    sort: [{ field: '_createdAt', direction: 'desc' }],
  }),
  kanban('quote', 'quotes_board', '报价看板', 'Quote board', 'status', ['name', 'customer', 'total']),
  list(
    'quote_line',
    'quote_lines_all',
    '全部报价明细',
    'All quote lines',
    ['quote', 'product', 'quantity', 'unit_price', 'discount_percent', 'line_total'],
    { default: true },
  ),
  list('sales_order', 'orders_all', '全部订单', 'All orders', ['number', 'customer', 'amount', 'order_date', 'status', '_ownerId'], {
    default: true,
    sort: [{ field: 'order_date', direction: 'desc' }],
  }),
  kanban('sales_order', 'orders_board', '订单看板', 'Order board', 'status', ['number', 'customer', 'amount']),
];
