/**
 * The standard CRM's automation, as ordinary workflows an admin can change: lead
 * assignment and conversion, won deals, quote approval, SLA escalation, renewals,
 * follow-ups and payments due.
 */
import type { Logic, Workflow } from '@metacrm/metadata';
import { l } from './dsl.js';

const v = (path: string) => ({ var: path });
const is = (path: string, value: string): Logic => ({ '==': [v(path), value] });
const today = { substr: [v('now'), 0, 10] };
const shanghai = { at: '09:00', timezone: 'Asia/Shanghai' };

/** Inbound leads (web, ads, social, campaigns, shows) go to the sales reps in turn. */
const leadRoundRobin: Workflow = {
  key: 'lead_round_robin',
  label: l('线索轮询分配', 'Round-robin lead assignment'),
  entity: 'lead',
  description: l(
    '官网、广告、社交媒体、市场活动和展会来的线索按顺序分配给销售代表',
    'Leads from the website, ads, social media, campaigns and trade shows go to the sales reps in turn',
  ),
  trigger: { type: 'record_created' },
  condition: { in: [v('record.source'), ['website', 'advertising', 'social', 'campaign', 'trade_show']] },
  start: 'assign',
  steps: [
    { id: 'assign', type: 'assign_owner', label: l('分配负责人', 'Assign an owner'), config: { role: 'sales_rep' }, next: 'tell' },
    {
      id: 'tell',
      type: 'notify',
      label: l('通知负责人', 'Tell the owner'),
      config: {
        to: v('steps.assign.ownerId'),
        title: { 'zh-CN': '新线索：{{record.name}}', en: 'New lead: {{record.name}}' },
        body: { 'zh-CN': '{{record.company}} 的线索已分配给你', en: 'The lead from {{record.company}} is yours' },
      },
    },
  ],
};

/** One button: a customer, a contact and an opportunity from the lead, linked back to it. */
const convertLead: Workflow = {
  key: 'convert_lead',
  label: l('线索转化', 'Convert lead'),
  entity: 'lead',
  description: l(
    '由线索生成客户、联系人和商机，并在线索上保留关联',
    'Creates a customer, a contact and an opportunity from the lead, and links them on it',
  ),
  trigger: { type: 'manual' },
  condition: { '!=': [v('record.status'), 'converted'] },
  start: 'check',
  steps: [
    // 查重 first: a customer of that name already (owned or in the pool) stops the conversion
    // before anything is written, and the run says who owns it; phone and email matches only warn.
    {
      id: 'check',
      type: 'check_duplicates',
      label: l('查重', 'Duplicate check'),
      next: 'customer',
      config: {
        entity: 'customer',
        refuse: 'block',
        values: {
          name: { if: [v('record.company'), v('record.company'), v('record.name')] },
          phone: v('record.phone'),
          email: v('record.email'),
        },
      },
    },
    {
      id: 'customer',
      type: 'create_record',
      label: l('创建客户', 'Create the customer'),
      next: 'contact',
      config: {
        entity: 'customer',
        values: {
          name: { if: [v('record.company'), v('record.company'), v('record.name')] },
          phone: v('record.phone'),
          email: v('record.email'),
          industry: v('record.industry'),
          source: v('record.source'),
          region: v('record.region'),
          level: 'c',
        },
      },
    },
    {
      id: 'contact',
      type: 'create_record',
      label: l('创建联系人', 'Create the contact'),
      next: 'opportunity',
      config: {
        entity: 'contact',
        values: {
          name: v('record.name'),
          customer: v('steps.customer.id'),
          title: v('record.title'),
          mobile: v('record.phone'),
          email: v('record.email'),
          primary: true,
        },
      },
    },
    {
      id: 'opportunity',
      type: 'create_record',
      label: l('创建商机', 'Create the opportunity'),
      next: 'link',
      config: {
        entity: 'opportunity',
        values: {
          name: { cat: [{ if: [v('record.company'), v('record.company'), v('record.name')] }, ' - ', v('record.name')] },
          customer: v('steps.customer.id'),
          contact: v('steps.contact.id'),
          source: v('record.source'),
          campaign: v('record.campaign'),
          stage: 'qualification',
        },
      },
    },
    {
      id: 'link',
      type: 'update_record',
      label: l('标记已转化', 'Mark converted'),
      config: {
        values: {
          status: 'converted',
          converted_customer: v('steps.customer.id'),
          converted_contact: v('steps.contact.id'),
          converted_opportunity: v('steps.opportunity.id'),
          converted_at: v('now'),
        },
      },
    },
  ],
};

/** A won deal becomes an order and a draft contract for a year, and the team hears of it. */
const opportunityWon: Workflow = {
  key: 'opportunity_won',
  label: l('赢单生成订单和合同', 'Won deal: order and contract'),
  entity: 'opportunity',
  trigger: { type: 'record_updated', fields: ['stage'] },
  condition: { and: [is('record.stage', 'won'), { '!=': [v('old.stage'), 'won'] }] },
  start: 'order',
  steps: [
    {
      id: 'order',
      type: 'create_record',
      label: l('创建订单', 'Create the order'),
      next: 'contract',
      config: {
        entity: 'sales_order',
        values: {
          customer: v('record.customer'),
          opportunity: v('record.id'),
          amount: v('record.amount'),
          order_date: today,
          status: 'confirmed',
        },
      },
    },
    {
      id: 'contract',
      type: 'create_record',
      label: l('创建合同', 'Create the contract'),
      next: 'tell',
      config: {
        entity: 'contract',
        values: {
          name: { cat: [v('record.name'), ' 合同 / contract'] },
          customer: v('record.customer'),
          opportunity: v('record.id'),
          order: v('steps.order.id'),
          amount: v('record.amount'),
          signed_on: today,
          start_date: today,
          end_date: { date_add: [today, 1, 'year'] },
          status: 'draft',
          renewal: 'manual',
        },
      },
    },
    {
      id: 'tell',
      type: 'notify',
      label: l('通知团队', 'Tell the team'),
      config: {
        to: v('user.id'),
        title: { 'zh-CN': '赢单：{{record.name}}', en: 'Won: {{record.name}}' },
        body: {
          'zh-CN': '金额 {{record.amount}}，已生成订单和合同草稿',
          en: 'Amount {{record.amount}}; an order and a draft contract were created',
        },
      },
    },
  ],
};

/** A submitted quote: a discount over 20% (on the quote or any line) needs the owner's manager; otherwise approved at once. */
const quoteApproval: Workflow = {
  key: 'quote_discount_approval',
  label: l('报价折扣审批', 'Quote discount approval'),
  entity: 'quote',
  description: l('折扣超过 20% 的报价需销售经理审批', "A quote with a discount above 20% needs the sales manager's approval"),
  trigger: { type: 'record_updated', fields: ['status'] },
  condition: is('record.status', 'submitted'),
  start: 'check',
  steps: [
    {
      id: 'check',
      type: 'set_variables',
      config: { values: { large: { or: [{ '>': [v('record.discount_percent'), 20] }, { '>': [v('record.max_line_discount'), 20] }] } } },
      branches: [{ when: v('vars.large'), next: 'pending', label: l('折扣超过 20%', 'Discount above 20%') }, { next: 'approve' }],
    },
    { id: 'pending', type: 'update_record', config: { values: { status: 'pending_approval' } }, next: 'ask' },
    {
      id: 'ask',
      type: 'approval',
      label: l('经理审批', 'Manager approval'),
      config: { approvers: { type: 'manager' }, title: '报价折扣审批 / Quote discount approval' },
      branches: [{ when: is('steps.ask.decision', 'approved'), next: 'approve' }, { next: 'reject' }],
    },
    { id: 'approve', type: 'update_record', config: { values: { status: 'approved' } } },
    { id: 'reject', type: 'update_record', config: { values: { status: 'rejected' } }, next: 'tell' },
    {
      id: 'tell',
      type: 'notify',
      config: { to: v('user.id'), title: { 'zh-CN': '报价被驳回：{{record.name}}', en: 'Quote rejected: {{record.name}}' } },
    },
  ],
};

const openTicket = { in: [v('record.status'), ['new', 'in_progress', 'waiting']] };

/** Two hours before its SLA is due, an open ticket is escalated: marked, raised to urgent, its owner told. */
const ticketEscalation: Workflow = {
  key: 'ticket_sla_escalation',
  label: l('工单 SLA 升级', 'Ticket SLA escalation'),
  entity: 'ticket',
  trigger: { type: 'date_field', field: 'sla_due_at', offset: { amount: -2, unit: 'hour' } },
  condition: openTicket,
  start: 'raise',
  steps: [
    { id: 'raise', type: 'update_record', config: { values: { escalated: true, priority: 'urgent' } }, next: 'tell' },
    {
      id: 'tell',
      type: 'notify',
      config: {
        to: v('user.id'),
        title: { 'zh-CN': '工单即将超出 SLA：{{record.subject}}', en: 'Ticket about to breach its SLA: {{record.subject}}' },
      },
    },
  ],
};

/** 30 days before an active contract ends, its owner is reminded to renew. */
const renewalReminder: Workflow = {
  key: 'contract_renewal_reminder',
  label: l('合同续约提醒', 'Contract renewal reminder'),
  entity: 'contract',
  trigger: { type: 'date_field', field: 'end_date', offset: { amount: -30, unit: 'day' }, ...shanghai },
  condition: { and: [is('record.status', 'active'), { '!=': [v('record.renewal'), 'none'] }] },
  start: 'tell',
  steps: [
    {
      id: 'tell',
      type: 'notify',
      config: {
        to: v('user.id'),
        title: { 'zh-CN': '合同 30 天后到期：{{record.name}}', en: 'Contract ends in 30 days: {{record.name}}' },
        body: { 'zh-CN': '请联系客户续约', en: 'Contact the customer about renewing' },
      },
    },
  ],
};

/** On the next-contact date of a follow-up, at 9:00, its owner is reminded. */
const followUpReminder: Workflow = {
  key: 'follow_up_reminder',
  label: l('跟进提醒', 'Follow-up reminder'),
  entity: 'activity',
  trigger: { type: 'date_field', field: 'next_contact_date', offset: { amount: 0, unit: 'day' }, ...shanghai },
  start: 'tell',
  steps: [
    {
      id: 'tell',
      type: 'notify',
      config: { to: v('user.id'), title: { 'zh-CN': '今日待跟进：{{record.subject}}', en: 'Follow up today: {{record.subject}}' } },
    },
  ],
};

/** Instalments: a reminder before the due date; every morning, unpaid ones past due become overdue and paid ones paid. */
const paymentDue: Workflow = {
  key: 'payment_due_reminder',
  label: l('回款提醒', 'Payment due reminder'),
  entity: 'payment_plan',
  trigger: { type: 'date_field', field: 'due_date', offset: { amount: -3, unit: 'day' }, ...shanghai },
  condition: { '>': [v('record.outstanding'), 0] },
  start: 'tell',
  steps: [
    {
      id: 'tell',
      type: 'notify',
      config: {
        to: v('user.id'),
        title: { 'zh-CN': '3 天后应回款：{{record.name}}', en: 'Payment due in 3 days: {{record.name}}' },
        body: { 'zh-CN': '未回款 {{record.outstanding}}', en: 'Outstanding {{record.outstanding}}' },
      },
    },
  ],
};

const markOverdue: Workflow = {
  key: 'payment_overdue',
  label: l('标记逾期回款', 'Mark overdue payments'),
  entity: 'payment_plan',
  trigger: {
    type: 'schedule',
    cron: '0 1 * * *',
    timezone: 'Asia/Shanghai',
    filter: {
      and: [
        { field: 'status', op: 'eq', value: 'planned' },
        { field: 'due_date', op: 'relative', value: 'last_3650_days' },
      ],
    },
  },
  condition: { and: [{ '<': [v('record.due_date'), today] }, { '>': [v('record.outstanding'), 0] }] },
  start: 'overdue',
  steps: [{ id: 'overdue', type: 'update_record', config: { values: { status: 'overdue' } } }],
};

/** A plan paid in full is marked paid as soon as a receipt settles it. */
const markPaid: Workflow = {
  key: 'payment_settled',
  label: l('回款完成', 'Payment settled'),
  entity: 'receipt',
  trigger: { type: 'record_created' },
  condition: { and: [v('record.payment_plan'), is('record.status', 'confirmed')] },
  start: 'plan',
  steps: [
    {
      id: 'plan',
      type: 'query_records',
      config: { entity: 'payment_plan', filter: { field: '_id', op: 'eq', value: v('record.payment_plan') }, limit: 1 },
      branches: [{ when: { '<=': [v('steps.plan.records.0.outstanding'), 0] }, next: 'paid' }],
    },
    { id: 'paid', type: 'update_record', config: { entity: 'payment_plan', record: v('record.payment_plan'), values: { status: 'paid' } } },
  ],
};

export const crmWorkflows: Workflow[] = [
  leadRoundRobin,
  convertLead,
  opportunityWon,
  quoteApproval,
  ticketEscalation,
  renewalReminder,
  followUpReminder,
  paymentDue,
  markOverdue,
  markPaid,
];
