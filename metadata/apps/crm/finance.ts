/** Contracts, payment plans (instalments), receipts (回款) and invoices, with the amounts rolled up on the contract. */
import type { Form, View } from '@metacrm/metadata';
import { calendar, entity, field, form, kanban, list, lookup, money, options, rollup, type EntitySpec } from './dsl.js';

const confirmed = { field: 'status', op: 'eq', value: 'confirmed' };
const issued = { field: 'status', op: 'eq', value: 'issued' };

const contract: EntitySpec = {
  key: 'contract',
  label: ['合同', 'Contract'],
  plural: ['合同', 'Contracts'],
  icon: 'file-signature',
  displayField: 'name',
  fields: [
    field('name', 'text', '合同名称', 'Name', { required: true, maxLength: 200 }),
    field('number', 'auto_number', '合同编号', 'Number', { prefix: 'HT', dateFormat: 'YYYY', digits: 5 }),
    lookup('customer', 'customer', '客户', 'Customer', {
      required: true,
      onDelete: 'restrict',
      relatedListLabel: { 'zh-CN': '合同', en: 'Contracts' },
    }),
    lookup('opportunity', 'opportunity', '商机', 'Opportunity'),
    lookup('order', 'sales_order', '订单', 'Order'),
    money('amount', '合同金额', 'Amount', { required: true }),
    field('signed_on', 'date', '签约日期', 'Signed on'),
    field('start_date', 'date', '开始日期', 'Start date'),
    field('end_date', 'date', '结束日期', 'End date'),
    field('status', 'single_select', '状态', 'Status', {
      default: 'draft',
      options: options([
        ['draft', '草稿', 'Draft', '#8c8c8c'],
        ['pending_approval', '审批中', 'Pending approval', '#fa8c16'],
        ['active', '执行中', 'Active', '#52c41a'],
        ['expired', '已到期', 'Expired', '#bfbfbf'],
        ['terminated', '已终止', 'Terminated', '#f5222d'],
      ]),
    }),
    field('renewal', 'single_select', '续约方式', 'Renewal', {
      default: 'manual',
      options: options([
        ['none', '不续约', 'No renewal'],
        ['manual', '人工续约', 'Manual'],
        ['auto', '自动续约', 'Automatic'],
      ]),
    }),
    rollup('planned_amount', '计划回款', 'Planned', 'payment_plan', 'contract', 'sum', 'amount'),
    rollup('received_amount', '已回款', 'Received', 'receipt', 'contract', 'sum', 'amount', confirmed),
    rollup('invoiced_amount', '已开票', 'Invoiced', 'invoice', 'contract', 'sum', 'amount', issued),
    rollup('overdue_amount', '逾期金额', 'Overdue', 'payment_plan', 'contract', 'sum', 'outstanding', {
      field: 'status',
      op: 'eq',
      value: 'overdue',
    }),
    field('outstanding', 'formula', '未回款', 'Outstanding', {
      resultType: 'currency',
      scale: 2,
      expression: { '-': [{ var: 'amount' }, { var: 'received_amount' }] },
    }),
    field('terms', 'long_text', '合同条款', 'Terms'),
  ],
};

const paymentPlan: EntitySpec = {
  key: 'payment_plan',
  label: ['回款计划', 'Payment plan'],
  plural: ['回款计划', 'Payment plans'],
  icon: 'calendar-clock',
  displayField: 'name',
  fields: [
    field('name', 'text', '期次名称', 'Name', { required: true, maxLength: 100 }),
    lookup('contract', 'contract', '合同', 'Contract', {
      required: true,
      onDelete: 'cascade',
      relatedListLabel: { 'zh-CN': '回款计划', en: 'Payment plan' },
    }),
    field('installment', 'integer', '期次', 'Instalment', { min: 1, default: 1 }),
    field('due_date', 'date', '计划回款日期', 'Due date', { required: true }),
    money('amount', '计划金额', 'Amount', { required: true }),
    rollup('received_amount', '已回款', 'Received', 'receipt', 'payment_plan', 'sum', 'amount', confirmed),
    field('outstanding', 'formula', '未回款', 'Outstanding', {
      resultType: 'currency',
      scale: 2,
      expression: { '-': [{ var: 'amount' }, { var: 'received_amount' }] },
    }),
    field('status', 'single_select', '状态', 'Status', {
      default: 'planned',
      options: options([
        ['planned', '待回款', 'Planned', '#1677ff'],
        ['paid', '已回款', 'Paid', '#52c41a'],
        ['overdue', '已逾期', 'Overdue', '#f5222d'],
      ]),
    }),
    field('remind_days_before', 'integer', '提前提醒天数', 'Remind days before', { min: 0, max: 60, default: 3 }),
  ],
};

const receipt: EntitySpec = {
  key: 'receipt',
  label: ['回款', 'Receipt'],
  plural: ['回款', 'Receipts'],
  icon: 'wallet',
  displayField: 'number',
  fields: [
    field('number', 'auto_number', '回款编号', 'Number', { prefix: 'HK', dateFormat: 'YYYYMM', digits: 5 }),
    lookup('contract', 'contract', '合同', 'Contract', {
      required: true,
      onDelete: 'restrict',
      relatedListLabel: { 'zh-CN': '回款', en: 'Receipts' },
    }),
    lookup('payment_plan', 'payment_plan', '回款计划', 'Payment plan'),
    lookup('customer', 'customer', '客户', 'Customer'),
    money('amount', '回款金额', 'Amount', { required: true, min: '0.01' }),
    field('received_on', 'date', '回款日期', 'Received on', { required: true, default: { var: '$today' } }),
    field('method', 'single_select', '付款方式', 'Method', {
      default: 'bank_transfer',
      options: options([
        ['bank_transfer', '银行转账', 'Bank transfer'],
        ['cash', '现金', 'Cash'],
        ['check', '支票', 'Cheque'],
        ['alipay', '支付宝', 'Alipay'],
        ['wechat_pay', '微信支付', 'WeChat Pay'],
      ]),
    }),
    field('status', 'single_select', '状态', 'Status', {
      default: 'confirmed',
      options: options([
        ['pending', '待确认', 'Pending', '#fa8c16'],
        ['confirmed', '已确认', 'Confirmed', '#52c41a'],
        ['rejected', '已驳回', 'Rejected', '#f5222d'],
      ]),
    }),
    field('notes', 'long_text', '备注', 'Notes'),
  ],
};

const invoice: EntitySpec = {
  key: 'invoice',
  label: ['发票', 'Invoice'],
  plural: ['发票', 'Invoices'],
  icon: 'receipt',
  displayField: 'number',
  fields: [
    field('number', 'auto_number', '开票编号', 'Number', { prefix: 'FP', dateFormat: 'YYYYMM', digits: 5 }),
    lookup('contract', 'contract', '合同', 'Contract', {
      required: true,
      onDelete: 'restrict',
      relatedListLabel: { 'zh-CN': '发票', en: 'Invoices' },
    }),
    lookup('customer', 'customer', '客户', 'Customer'),
    field('type', 'single_select', '发票类型', 'Type', {
      default: 'vat_special',
      options: options([
        ['vat_special', '增值税专用发票', 'VAT special invoice'],
        ['vat_general', '增值税普通发票', 'VAT general invoice'],
        ['electronic', '电子发票', 'Electronic invoice'],
      ]),
    }),
    money('amount', '开票金额', 'Amount', { required: true, min: '0.01' }),
    field('tax_rate', 'percent', '税率', 'Tax rate', { scale: 2, default: '13' }),
    field('tax_amount', 'formula', '税额', 'Tax', {
      resultType: 'currency',
      scale: 2,
      expression: { '/': [{ '*': [{ var: 'amount' }, { var: 'tax_rate' }] }, { '+': [100, { var: 'tax_rate' }] }] },
    }),
    field('title', 'text', '发票抬头', 'Invoice title', { required: true, maxLength: 200 }),
    field('tax_number', 'text', '纳税人识别号', 'Tax number', { required: true, maxLength: 30, pattern: '^[0-9A-Z]{15,20}$' }),
    field('bank_name', 'text', '开户银行', 'Bank', { maxLength: 100 }),
    field('bank_account', 'text', '银行账号', 'Bank account', { maxLength: 40 }),
    field('address_phone', 'text', '地址电话', 'Address and phone', { maxLength: 200 }),
    field('invoiced_on', 'date', '开票日期', 'Invoiced on'),
    field('status', 'single_select', '状态', 'Status', {
      default: 'requested',
      options: options([
        ['requested', '待开票', 'Requested', '#fa8c16'],
        ['issued', '已开票', 'Issued', '#52c41a'],
        ['void', '已作废', 'Void', '#8c8c8c'],
      ]),
    }),
  ],
};

export const financeEntities = [contract, paymentPlan, receipt, invoice].map(entity);

export const financeForms: Form[] = [
  form('contract', '合同', 'Contract', [
    [
      'basics',
      '基本信息',
      'Basics',
      ['name', 'customer', 'opportunity', 'order', 'amount', 'status', 'signed_on', 'start_date', 'end_date', 'renewal'],
    ],
    ['payments', '回款', 'Payments', ['planned_amount', 'received_amount', 'outstanding', 'overdue_amount', 'invoiced_amount']],
    ['terms', '条款', 'Terms', ['terms']],
  ]),
  form('payment_plan', '回款计划', 'Payment plan', [
    [
      'basics',
      '基本信息',
      'Basics',
      ['name', 'contract', 'installment', 'due_date', 'amount', 'received_amount', 'outstanding', 'status', 'remind_days_before'],
    ],
  ]),
  form('receipt', '回款', 'Receipt', [
    ['basics', '基本信息', 'Basics', ['contract', 'payment_plan', 'customer', 'amount', 'received_on', 'method', 'status', 'notes']],
  ]),
  form('invoice', '发票', 'Invoice', [
    ['basics', '基本信息', 'Basics', ['contract', 'customer', 'type', 'amount', 'tax_rate', 'tax_amount', 'invoiced_on', 'status']],
    ['billing', '开票信息', 'Billing details', ['title', 'tax_number', 'bank_name', 'bank_account', 'address_phone']],
  ]),
];

export const financeViews: View[] = [
  list(
    'contract',
    'contracts_all',
    '全部合同',
    'All contracts',
    ['number', 'name', 'customer', 'amount', 'received_amount', 'outstanding', 'status', 'end_date', '_ownerId'],
    { default: true, sort: [{ field: 'signed_on', direction: 'desc' }] },
  ),
  list('contract', 'contracts_expiring', '即将到期', 'Expiring soon', ['number', 'name', 'customer', 'end_date', 'renewal', '_ownerId'], {
    filter: {
      and: [
        { field: 'status', op: 'eq', value: 'active' },
        { field: 'end_date', op: 'relative', value: 'next_30_days' },
      ],
    },
    sort: [{ field: 'end_date', direction: 'asc' }],
  }),
  kanban('contract', 'contracts_board', '合同看板', 'Contract board', 'status', ['name', 'customer', 'amount']),
  list(
    'payment_plan',
    'payment_plans_all',
    '全部回款计划',
    'All payment plans',
    ['name', 'contract', 'due_date', 'amount', 'received_amount', 'outstanding', 'status'],
    { default: true, sort: [{ field: 'due_date', direction: 'asc' }] },
  ),
  list('payment_plan', 'payment_plans_due', '待回款', 'Payments due', ['name', 'contract', 'due_date', 'outstanding', 'status'], {
    filter: { field: 'status', op: 'in', value: ['planned', 'overdue'] },
    sort: [{ field: 'due_date', direction: 'asc' }],
  }),
  calendar('payment_plan', 'payment_plans_calendar', '回款日历', 'Payment calendar', 'due_date', 'name'),
  list(
    'receipt',
    'receipts_all',
    '全部回款',
    'All receipts',
    ['number', 'contract', 'customer', 'amount', 'received_on', 'method', 'status'],
    { default: true, sort: [{ field: 'received_on', direction: 'desc' }] },
  ),
  list(
    'invoice',
    'invoices_all',
    '全部发票',
    'All invoices',
    ['number', 'contract', 'title', 'amount', 'tax_amount', 'status', 'invoiced_on'],
    { default: true, sort: [{ field: '_createdAt', direction: 'desc' }] },
  ),
];
