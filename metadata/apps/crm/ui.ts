/** The standard CRM's navigation and dashboards (pipeline, revenue against target, marketing, service, a rep's to-do). */
import type { Dashboard, Filter, Navigation } from '@metacrm/metadata';
import { l } from './dsl.js';

type Widget = Dashboard['widgets'][number];
type Item = Navigation['groups'][number]['items'][number];

const entityItem = (entity: string, view?: string, icon?: string): Item => ({
  type: 'entity',
  key: view ?? entity,
  entity,
  ...(view ? { view } : {}),
  ...(icon ? { icon } : {}),
});
const dashboardItem = (dashboard: string, icon: string): Item => ({ type: 'dashboard', key: `dash_${dashboard}`, dashboard, icon });

export const crmNavigation: Navigation[] = [
  {
    key: 'crm',
    label: l('标准 CRM', 'Standard CRM'),
    default: true,
    groups: [
      {
        key: 'today',
        label: l('工作台', 'Today'),
        icon: 'home',
        order: 0,
        items: [dashboardItem('my_todo', 'check-square'), dashboardItem('sales_overview', 'bar-chart')],
      },
      {
        key: 'customers',
        label: l('客户管理', 'Customers'),
        icon: 'building',
        order: 10,
        items: [
          entityItem('customer'),
          entityItem('customer', 'customers_pool', 'inbox'),
          entityItem('contact'),
          entityItem('activity'),
          entityItem('activity', 'activities_calendar', 'calendar'),
        ],
      },
      {
        key: 'sales',
        label: l('销售管理', 'Sales'),
        icon: 'trending-up',
        order: 20,
        items: [
          entityItem('lead'),
          entityItem('opportunity'),
          entityItem('opportunity', 'pipeline', 'columns'),
          entityItem('quote'),
          entityItem('sales_order'),
          entityItem('product'),
          entityItem('price_book'),
          entityItem('sales_target'),
        ],
      },
      {
        key: 'finance',
        label: l('合同与回款', 'Contracts and payments'),
        icon: 'wallet',
        order: 30,
        items: [entityItem('contract'), entityItem('payment_plan'), entityItem('receipt'), entityItem('invoice')],
      },
      {
        key: 'marketing',
        label: l('市场营销', 'Marketing'),
        icon: 'megaphone',
        order: 40,
        items: [entityItem('campaign'), entityItem('campaign_member'), entityItem('segment'), dashboardItem('marketing', 'pie-chart')],
      },
      {
        key: 'service',
        label: l('客户服务', 'Service'),
        icon: 'life-buoy',
        order: 50,
        items: [
          entityItem('ticket'),
          entityItem('ticket', 'tickets_board', 'columns'),
          entityItem('knowledge_article'),
          dashboardItem('service', 'activity'),
        ],
      },
    ],
  },
];

const open: Filter = { field: 'stage', op: 'nin', value: ['won', 'lost'] };
const won: Filter = { field: 'stage', op: 'eq', value: 'won' };
const mine: Filter = { field: '_ownerId', op: 'eq', value: '$user' };
const openTicket: Filter = { field: 'status', op: 'in', value: ['new', 'in_progress', 'waiting'] };
const at = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });

const salesWidgets: Widget[] = [
  {
    key: 'pipeline_total',
    type: 'kpi',
    title: l('在途商机金额', 'Open pipeline'),
    layout: at(0, 0, 6, 3),
    entity: 'opportunity',
    query: { filter: open, measures: [{ fn: 'sum', field: 'amount' }] },
    view: 'opportunities_open',
  },
  {
    key: 'forecast',
    type: 'kpi',
    title: l('加权预测', 'Weighted forecast'),
    layout: at(6, 0, 6, 3),
    entity: 'opportunity',
    query: { filter: open, measures: [{ fn: 'sum', field: 'weighted_amount' }] },
  },
  {
    key: 'won_total',
    type: 'kpi',
    title: l('本年赢单', 'Won this year'),
    layout: at(12, 0, 6, 3),
    entity: 'opportunity',
    query: {
      filter: { and: [won, { field: 'closed_on', op: 'relative', value: 'this_year' }] },
      measures: [{ fn: 'sum', field: 'amount' }],
    },
  },
  {
    key: 'lead_count',
    type: 'kpi',
    title: l('本月新线索', 'New leads this month'),
    layout: at(18, 0, 6, 3),
    entity: 'lead',
    query: { filter: { field: '_createdAt', op: 'relative', value: 'this_month' }, measures: [{ fn: 'count' }] },
  },
  {
    key: 'funnel',
    type: 'funnel',
    title: l('销售漏斗', 'Pipeline funnel'),
    layout: at(0, 3, 12, 8),
    entity: 'opportunity',
    query: { filter: open, groupBy: [{ field: 'stage' }], measures: [{ fn: 'sum', field: 'amount' }] },
    view: 'opportunities_open',
  },
  {
    key: 'won_by_month',
    type: 'bar',
    title: l('每月赢单金额', 'Won revenue by month'),
    layout: at(12, 3, 12, 8),
    entity: 'opportunity',
    query: {
      filter: { and: [won, { field: 'closed_on', op: 'relative', value: 'last_12_months' }] },
      groupBy: [{ field: 'closed_on', bucket: 'month' }],
      measures: [{ fn: 'sum', field: 'amount' }],
    },
    view: 'opportunities_won',
  },
  {
    key: 'target_by_month',
    type: 'bar',
    title: l('每月销售目标', 'Target by month'),
    layout: at(12, 11, 12, 8),
    entity: 'sales_target',
    query: {
      filter: { field: 'month', op: 'relative', value: 'last_12_months' },
      groupBy: [{ field: 'month', bucket: 'month' }],
      measures: [{ fn: 'sum', field: 'amount' }],
    },
  },
  {
    key: 'leads_by_source',
    type: 'pie',
    title: l('线索来源', 'Leads by source'),
    layout: at(0, 11, 12, 8),
    entity: 'lead',
    query: { groupBy: [{ field: 'source' }], measures: [{ fn: 'count' }] },
    view: 'leads_all',
  },
  {
    key: 'top_customers',
    type: 'table',
    title: l('重点客户（合同额）', 'Top customers by contract amount'),
    layout: at(0, 19, 24, 8),
    entity: 'contract',
    query: {
      groupBy: [{ field: 'customer' }],
      measures: [
        { fn: 'sum', field: 'amount' },
        { fn: 'sum', field: 'received_amount' },
      ],
      sort: { by: 'measure', index: 0, direction: 'desc' },
      limit: 10,
    },
    view: 'contracts_all',
  },
];

/** A rep's to-do: each count opens the list behind it. */
const todoWidgets: Widget[] = [
  {
    key: 'contacts_due',
    type: 'kpi',
    title: l('今日待联系客户', 'Customers to contact today'),
    layout: at(0, 0, 8, 3),
    entity: 'customer',
    query: { filter: { and: [mine, { field: 'next_contact_date', op: 'relative', value: 'today' }] }, measures: [{ fn: 'count' }] },
    view: 'customers_due_today',
  },
  {
    key: 'follow_ups_due',
    type: 'kpi',
    title: l('今日跟进', 'Follow-ups due today'),
    layout: at(8, 0, 8, 3),
    entity: 'activity',
    query: { filter: { and: [mine, { field: 'next_contact_date', op: 'relative', value: 'today' }] }, measures: [{ fn: 'count' }] },
    view: 'activities_all',
  },
  {
    key: 'leads_open',
    type: 'kpi',
    title: l('待跟进线索', 'Open leads'),
    layout: at(16, 0, 8, 3),
    entity: 'lead',
    query: {
      filter: { and: [mine, { field: 'status', op: 'in', value: ['new', 'contacted', 'qualified'] }] },
      measures: [{ fn: 'count' }],
    },
    view: 'leads_open',
  },
  {
    key: 'payments_due',
    type: 'kpi',
    title: l('14 天内应回款', 'Payments due within 14 days'),
    layout: at(0, 3, 8, 3),
    entity: 'payment_plan',
    query: {
      filter: {
        and: [
          mine,
          { field: 'status', op: 'in', value: ['planned', 'overdue'] },
          { field: 'due_date', op: 'relative', value: 'next_14_days' },
        ],
      },
      measures: [{ fn: 'sum', field: 'outstanding' }],
    },
    view: 'payment_plans_due',
  },
  {
    key: 'contracts_expiring',
    type: 'kpi',
    title: l('30 天内到期合同', 'Contracts ending within 30 days'),
    layout: at(8, 3, 8, 3),
    entity: 'contract',
    query: {
      filter: { and: [mine, { field: 'status', op: 'eq', value: 'active' }, { field: 'end_date', op: 'relative', value: 'next_30_days' }] },
      measures: [{ fn: 'count' }],
    },
    view: 'contracts_expiring',
  },
  {
    key: 'entering_pool',
    type: 'kpi',
    title: l('7 天内进入公海', 'Entering the pool within 7 days'),
    layout: at(16, 3, 8, 3),
    entity: 'customer',
    query: { filter: { and: [mine, { field: 'pool_due_at', op: 'relative', value: 'next_7_days' }] }, measures: [{ fn: 'count' }] },
    view: 'customers_entering_pool',
  },
  {
    key: 'my_pipeline',
    type: 'funnel',
    title: l('我的商机', 'My pipeline'),
    layout: at(0, 6, 24, 8),
    entity: 'opportunity',
    query: { filter: { and: [mine, open] }, groupBy: [{ field: 'stage' }], measures: [{ fn: 'sum', field: 'amount' }] },
    view: 'opportunities_open',
  },
];

const marketingWidgets: Widget[] = [
  {
    key: 'campaign_roi',
    type: 'table',
    title: l('各渠道投入产出', 'Campaign return by channel'),
    layout: at(0, 0, 24, 8),
    entity: 'campaign',
    query: {
      groupBy: [{ field: 'channel' }],
      measures: [
        { fn: 'sum', field: 'actual_cost' },
        { fn: 'sum', field: 'won_revenue' },
        { fn: 'sum', field: 'lead_count' },
      ],
      sort: { by: 'measure', index: 1, direction: 'desc' },
      limit: 50,
    },
    view: 'campaigns_all',
  },
  {
    key: 'leads_by_source',
    type: 'pie',
    title: l('线索来源', 'Leads by source'),
    layout: at(0, 8, 12, 8),
    entity: 'lead',
    query: { groupBy: [{ field: 'source' }], measures: [{ fn: 'count' }] },
    view: 'leads_all',
  },
  {
    key: 'leads_by_month',
    type: 'line',
    title: l('每月新线索', 'New leads by month'),
    layout: at(12, 8, 12, 8),
    entity: 'lead',
    query: {
      filter: { field: '_createdAt', op: 'relative', value: 'last_12_months' },
      groupBy: [{ field: '_createdAt', bucket: 'month' }],
      measures: [{ fn: 'count' }],
    },
  },
];

const serviceWidgets: Widget[] = [
  {
    key: 'open_tickets',
    type: 'kpi',
    title: l('未关闭工单', 'Open tickets'),
    layout: at(0, 0, 8, 3),
    entity: 'ticket',
    query: { filter: openTicket, measures: [{ fn: 'count' }] },
    view: 'tickets_open',
  },
  {
    key: 'sla_breaches',
    type: 'kpi',
    title: l('SLA 升级工单', 'Escalated (SLA at risk or breached)'),
    layout: at(8, 0, 8, 3),
    entity: 'ticket',
    query: { filter: { and: [openTicket, { field: 'escalated', op: 'eq', value: true }] }, measures: [{ fn: 'count' }] },
    view: 'tickets_open',
  },
  {
    key: 'tickets_by_status',
    type: 'bar',
    title: l('工单状态', 'Tickets by status'),
    layout: at(0, 3, 12, 8),
    entity: 'ticket',
    query: { groupBy: [{ field: 'status' }, { field: 'priority' }], measures: [{ fn: 'count' }] },
    view: 'tickets_all',
  },
  {
    key: 'tickets_by_channel',
    type: 'pie',
    title: l('工单渠道', 'Tickets by channel'),
    layout: at(12, 3, 12, 8),
    entity: 'ticket',
    query: { groupBy: [{ field: 'channel' }], measures: [{ fn: 'count' }] },
    view: 'tickets_all',
  },
];

export const crmDashboards: Dashboard[] = [
  {
    key: 'sales_overview',
    label: l('销售概览', 'Sales overview'),
    icon: 'bar-chart',
    roles: ['crm_admin', 'sales_manager', 'executive'],
    widgets: salesWidgets,
  },
  { key: 'my_todo', label: l('我的待办', 'My to-do'), icon: 'check-square', widgets: todoWidgets },
  {
    key: 'marketing',
    label: l('市场分析', 'Marketing analytics'),
    icon: 'pie-chart',
    roles: ['crm_admin', 'marketing', 'executive'],
    widgets: marketingWidgets,
  },
  {
    key: 'service',
    label: l('服务概览', 'Service overview'),
    icon: 'activity',
    roles: ['crm_admin', 'service_agent', 'executive'],
    widgets: serviceWidgets,
  },
];
