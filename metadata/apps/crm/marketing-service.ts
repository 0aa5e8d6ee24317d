/** Marketing (campaigns, members, segments), service (tickets, knowledge articles) and sales targets. */
import type { Form, View } from '@metacrm/metadata';
import { INDUSTRIES, REGIONS } from './customers.js';
import { calendar, entity, field, form, kanban, list, lookup, money, options, rollup, type EntitySpec } from './dsl.js';

const campaign: EntitySpec = {
  key: 'campaign',
  label: ['市场活动', 'Campaign'],
  plural: ['市场活动', 'Campaigns'],
  icon: 'megaphone',
  displayField: 'name',
  fields: [
    field('name', 'text', '活动名称', 'Name', { required: true, maxLength: 200 }),
    field('channel', 'single_select', '渠道', 'Channel', {
      options: options([
        ['event', '线下活动', 'Event'],
        ['webinar', '网络研讨会', 'Webinar'],
        ['email', '邮件营销', 'Email'],
        ['social', '社交媒体', 'Social media'],
        ['search_ads', '搜索广告', 'Search ads'],
        ['trade_show', '展会', 'Trade show'],
        ['content', '内容营销', 'Content'],
      ]),
    }),
    field('status', 'single_select', '状态', 'Status', {
      default: 'planned',
      options: options([
        ['planned', '计划中', 'Planned', '#8c8c8c'],
        ['active', '进行中', 'Active', '#52c41a'],
        ['completed', '已结束', 'Completed', '#1677ff'],
        ['cancelled', '已取消', 'Cancelled', '#f5222d'],
      ]),
    }),
    field('start_date', 'date', '开始日期', 'Start date'),
    field('end_date', 'date', '结束日期', 'End date'),
    money('budget', '预算', 'Budget'),
    money('actual_cost', '实际花费', 'Actual cost'),
    money('expected_revenue', '预期收入', 'Expected revenue'),
    rollup('member_count', '成员数', 'Members', 'campaign_member', 'campaign', 'count'),
    rollup('responses', '响应数', 'Responses', 'campaign_member', 'campaign', 'count', undefined, {
      field: 'status',
      op: 'in',
      value: ['responded', 'converted'],
    }),
    rollup('lead_count', '线索数', 'Leads', 'lead', 'campaign', 'count'),
    rollup('won_revenue', '赢单金额', 'Won revenue', 'opportunity', 'campaign', 'sum', 'amount', {
      field: 'stage',
      op: 'eq',
      value: 'won',
    }),
    field('cost_per_lead', 'formula', '线索成本', 'Cost per lead', {
      resultType: 'currency',
      scale: 2,
      expression: { if: [{ '>': [{ var: 'lead_count' }, 0] }, { '/': [{ var: 'actual_cost' }, { var: 'lead_count' }] }, null] },
    }),
    field('description', 'long_text', '描述', 'Description'),
  ],
};

const campaignMember: EntitySpec = {
  key: 'campaign_member',
  label: ['活动成员', 'Campaign member'],
  plural: ['活动成员', 'Campaign members'],
  icon: 'users',
  displayField: 'name',
  fields: [
    field('name', 'text', '名称', 'Name', { required: true, maxLength: 200 }),
    lookup('campaign', 'campaign', '市场活动', 'Campaign', {
      required: true,
      onDelete: 'cascade',
      relatedListLabel: { 'zh-CN': '活动成员', en: 'Members' },
    }),
    lookup('lead', 'lead', '线索', 'Lead', { onDelete: 'cascade' }),
    lookup('contact', 'contact', '联系人', 'Contact', { onDelete: 'cascade' }),
    field('status', 'single_select', '状态', 'Status', {
      default: 'sent',
      options: options([
        ['sent', '已邀请', 'Sent'],
        ['responded', '已响应', 'Responded'],
        ['attended', '已参加', 'Attended'],
        ['converted', '已转化', 'Converted'],
      ]),
    }),
    field('responded_at', 'datetime', '响应时间', 'Responded at'),
  ],
};

const segment: EntitySpec = {
  key: 'segment',
  label: ['客户分群', 'Segment'],
  plural: ['客户分群', 'Segments'],
  icon: 'filter',
  displayField: 'name',
  fields: [
    field('name', 'text', '分群名称', 'Name', { required: true, maxLength: 100 }),
    field('target_entity', 'single_select', '对象', 'Records of', {
      required: true,
      default: 'customer',
      options: options([
        ['customer', '客户', 'Customers'],
        ['lead', '线索', 'Leads'],
        ['contact', '联系人', 'Contacts'],
      ]),
    }),
    field('levels', 'multi_select', '客户级别', 'Levels', {
      options: options([
        ['a', 'A', 'A'],
        ['b', 'B', 'B'],
        ['c', 'C', 'C'],
        ['d', 'D', 'D'],
      ]),
    }),
    field('industries', 'multi_select', '行业', 'Industries', { options: INDUSTRIES }),
    field('regions', 'multi_select', '地区', 'Regions', { options: REGIONS }),
    field('filter', 'long_text', '筛选条件（JSON）', 'Filter (JSON)', {
      maxLength: 10000,
      helpText: {
        'zh-CN': '记录筛选语言，例如 {"field":"level","op":"eq","value":"a"}',
        en: 'The record filter language, e.g. {"field":"level","op":"eq","value":"a"}',
      },
    }),
    field('description', 'long_text', '描述', 'Description'),
  ],
};

const ticket: EntitySpec = {
  key: 'ticket',
  label: ['工单', 'Ticket'],
  plural: ['工单', 'Tickets'],
  icon: 'life-buoy',
  displayField: 'subject',
  fields: [
    field('subject', 'text', '主题', 'Subject', { required: true, maxLength: 200 }),
    field('number', 'auto_number', '工单号', 'Number', { prefix: 'TK', dateFormat: 'YYYYMMDD', digits: 4 }),
    lookup('customer', 'customer', '客户', 'Customer', {
      onDelete: 'cascade',
      relatedListLabel: { 'zh-CN': '服务记录', en: 'Service history' },
    }),
    lookup('contact', 'contact', '联系人', 'Contact'),
    field('priority', 'single_select', '优先级', 'Priority', {
      required: true,
      default: 'normal',
      options: options([
        ['urgent', '紧急', 'Urgent', '#f5222d'],
        ['high', '高', 'High', '#fa8c16'],
        ['normal', '中', 'Normal', '#1677ff'],
        ['low', '低', 'Low', '#8c8c8c'],
      ]),
    }),
    field('channel', 'single_select', '渠道', 'Channel', {
      default: 'phone',
      options: options([
        ['phone', '电话', 'Phone'],
        ['email', '邮件', 'Email'],
        ['web', '网站', 'Web'],
        ['wechat', '微信', 'WeChat'],
        ['onsite', '现场', 'On site'],
      ]),
    }),
    field('status', 'single_select', '状态', 'Status', {
      required: true,
      default: 'new',
      options: options([
        ['new', '新建', 'New', '#1677ff'],
        ['in_progress', '处理中', 'In progress', '#fa8c16'],
        ['waiting', '等待客户', 'Waiting on customer', '#722ed1'],
        ['resolved', '已解决', 'Resolved', '#52c41a'],
        ['closed', '已关闭', 'Closed', '#8c8c8c'],
      ]),
      process: {
        stages: {
          new: { next: ['in_progress', 'closed'] },
          in_progress: { next: ['waiting', 'resolved'] },
          waiting: { next: ['in_progress', 'resolved'] },
          resolved: { next: ['closed', 'in_progress'], requiredFields: ['resolution'] },
          closed: { next: [], requiredFields: ['resolution'] },
        },
      },
    }),
    field('category', 'single_select', '类别', 'Category', {
      options: options([
        ['question', '咨询', 'Question'],
        ['incident', '故障', 'Incident'],
        ['request', '需求', 'Request'],
        ['complaint', '投诉', 'Complaint'],
      ]),
    }),
    field('sla_due_at', 'datetime', 'SLA 截止时间', 'SLA due', {
      default: {
        date_add: [
          { var: '$now' },
          {
            if: [
              { '==': [{ var: 'priority' }, 'urgent'] },
              1,
              { '==': [{ var: 'priority' }, 'high'] },
              2,
              { '==': [{ var: 'priority' }, 'low'] },
              5,
              3,
            ],
          },
          'day',
        ],
      },
    }),
    field('escalated', 'boolean', '已升级', 'Escalated', { default: false, readOnly: true }),
    field('description', 'long_text', '问题描述', 'Description', { maxLength: 10000 }),
    field('resolution', 'long_text', '解决方案', 'Resolution', { maxLength: 10000 }),
    field('resolved_at', 'datetime', '解决时间', 'Resolved at'),
    lookup('article', 'knowledge_article', '知识库文章', 'Knowledge article'),
  ],
};

const article: EntitySpec = {
  key: 'knowledge_article',
  label: ['知识库文章', 'Knowledge article'],
  plural: ['知识库', 'Knowledge base'],
  icon: 'book',
  displayField: 'title',
  fields: [
    field('title', 'text', '标题', 'Title', { required: true, maxLength: 200 }),
    field('category', 'single_select', '分类', 'Category', {
      options: options([
        ['faq', '常见问题', 'FAQ'],
        ['how_to', '操作指南', 'How-to'],
        ['troubleshooting', '故障排除', 'Troubleshooting'],
        ['policy', '政策', 'Policy'],
      ]),
    }),
    field('status', 'single_select', '状态', 'Status', {
      default: 'draft',
      options: options([
        ['draft', '草稿', 'Draft'],
        ['published', '已发布', 'Published'],
        ['archived', '已归档', 'Archived'],
      ]),
    }),
    field('language', 'single_select', '语言', 'Language', {
      default: 'zh_cn',
      options: options([
        ['zh_cn', '中文', 'Chinese'],
        ['en', '英文', 'English'],
      ]),
    }),
    field('body', 'rich_text', '正文', 'Body'),
    rollup('ticket_count', '引用工单数', 'Tickets', 'ticket', 'article', 'count'),
  ],
};

const target: EntitySpec = {
  key: 'sales_target',
  label: ['销售目标', 'Sales target'],
  plural: ['销售目标', 'Sales targets'],
  icon: 'flag',
  displayField: 'name',
  fields: [
    field('name', 'text', '名称', 'Name', { required: true, maxLength: 100 }),
    field('rep', 'user', '销售代表', 'Sales rep'),
    field('team', 'text', '团队', 'Team', { maxLength: 100 }),
    field('month', 'date', '月份', 'Month', { required: true }),
    money('amount', '目标金额', 'Target', { required: true }),
  ],
};

export const marketingServiceEntities = [campaign, campaignMember, segment, ticket, article, target].map(entity);

export const marketingServiceForms: Form[] = [
  form('campaign', '市场活动', 'Campaign', [
    ['basics', '基本信息', 'Basics', ['name', 'channel', 'status', 'start_date', 'end_date', 'description']],
    [
      'results',
      '投入产出',
      'Return',
      ['budget', 'actual_cost', 'expected_revenue', 'member_count', 'responses', 'lead_count', 'cost_per_lead', 'won_revenue'],
    ],
  ]),
  form('campaign_member', '活动成员', 'Campaign member', [
    ['basics', '基本信息', 'Basics', ['name', 'campaign', 'lead', 'contact', 'status', 'responded_at']],
  ]),
  form('segment', '客户分群', 'Segment', [
    ['basics', '基本信息', 'Basics', ['name', 'target_entity', 'levels', 'industries', 'regions', 'filter', 'description']],
  ]),
  form('ticket', '工单', 'Ticket', [
    [
      'basics',
      '基本信息',
      'Basics',
      ['subject', 'customer', 'contact', 'priority', 'channel', 'category', 'status', 'sla_due_at', 'escalated'],
    ],
    ['details', '处理', 'Handling', ['description', 'resolution', 'resolved_at', 'article']],
  ]),
  form('knowledge_article', '知识库文章', 'Knowledge article', [
    ['basics', '基本信息', 'Basics', ['title', 'category', 'status', 'language', { field: 'body', colSpan: 2 }]],
  ]),
  form('sales_target', '销售目标', 'Sales target', [['basics', '基本信息', 'Basics', ['name', 'rep', 'team', 'month', 'amount']]]),
];

const openTicket = { field: 'status', op: 'in', value: ['new', 'in_progress', 'waiting'] };

export const marketingServiceViews: View[] = [
  list(
    'campaign',
    'campaigns_all',
    '全部活动',
    'All campaigns',
    ['name', 'channel', 'status', 'start_date', 'budget', 'lead_count', 'cost_per_lead', 'won_revenue'],
    { default: true, sort: [{ field: 'start_date', direction: 'desc' }] },
  ),
  calendar('campaign', 'campaigns_calendar', '活动日历', 'Campaign calendar', 'start_date', 'name'),
  list('campaign_member', 'campaign_members_all', '全部成员', 'All members', ['name', 'campaign', 'status', 'responded_at'], {
    default: true,
  }),
  list('segment', 'segments_all', '全部分群', 'All segments', ['name', 'target_entity', 'levels', 'industries', 'regions'], {
    default: true,
  }),
  list(
    'ticket',
    'tickets_open',
    '未关闭工单',
    'Open tickets',
    ['number', 'subject', 'customer', 'priority', 'status', 'sla_due_at', 'escalated', '_ownerId'],
    { default: true, filter: openTicket, sort: [{ field: 'sla_due_at', direction: 'asc' }] },
  ),
  list(
    'ticket',
    'tickets_all',
    '全部工单',
    'All tickets',
    ['number', 'subject', 'customer', 'priority', 'status', 'channel', '_createdAt'],
    { sort: [{ field: '_createdAt', direction: 'desc' }] },
  ),
  kanban('ticket', 'tickets_board', '工单看板', 'Ticket board', 'status', ['subject', 'customer', 'priority', 'sla_due_at']),
  calendar('ticket', 'tickets_sla', 'SLA 日历', 'SLA calendar', 'sla_due_at', 'subject', { filter: openTicket }),
  list(
    'knowledge_article',
    'articles_published',
    '已发布文章',
    'Published articles',
    ['title', 'category', 'language', 'ticket_count', '_updatedAt'],
    { default: true, filter: { field: 'status', op: 'eq', value: 'published' } },
  ),
  list('knowledge_article', 'articles_all', '全部文章', 'All articles', ['title', 'category', 'status', 'language']),
  list('sales_target', 'sales_targets_all', '全部目标', 'All targets', ['name', 'rep', 'team', 'month', 'amount'], {
    default: true,
    sort: [{ field: 'month', direction: 'desc' }],
  }),
];
