/**
 * The seven CRM roles. The platform's built-in `admin` (which metadata cannot define)
 * stays the superuser; `crm_admin` is the business administrator who designs and
 * manages users without being able to grant `admin`.
 */
import type { Role } from '@metacrm/metadata';
import { l } from './dsl.js';

type Grant = NonNullable<NonNullable<Role['entities']>[string]>;
type Scope = NonNullable<Grant['scope']>;

export const CRM_ENTITIES = [
  'customer',
  'contact',
  'activity',
  'lead',
  'opportunity',
  'product',
  'price_book',
  'price_book_entry',
  'quote',
  'quote_line',
  'sales_order',
  'contract',
  'payment_plan',
  'receipt',
  'invoice',
  'campaign',
  'campaign_member',
  'segment',
  'ticket',
  'knowledge_article',
  'sales_target',
] as const;

const full = (scope: Scope): Grant => ({ create: true, read: true, update: true, delete: true, export: true, scope });
const work = (scope: Scope): Grant => ({ create: true, read: true, update: true, scope });
const read = (scope: Scope): Grant => ({ read: true, scope });
const grants = (keys: readonly string[], grant: Grant): Record<string, Grant> => Object.fromEntries(keys.map((k) => [k, grant]));

const CATALOG = ['product', 'price_book', 'price_book_entry'] as const;
const SELLING = [
  'customer',
  'contact',
  'activity',
  'lead',
  'opportunity',
  'quote',
  'quote_line',
  'sales_order',
  'contract',
  'payment_plan',
] as const;
const MONEY = ['receipt', 'invoice'] as const;
const published = { '==': [{ var: 'status' }, 'published'] };
/** The customer pool (公海): customers nobody owns, which reps see and claim, and managers assign. */
const inPool = { '!': { '!!': { var: '_ownerId' } } };
/** What only the pool's workflows write: reps claim, they do not set these. */
const poolFields = { pool_clock_at: { write: false }, previous_owner: { write: false }, reclaim_after: { write: false } };
/** A rep sees the phone numbers of customers they do not own only masked. */
const phoneMask = { mask: { keepStart: 3, keepEnd: 4, char: '*' } };

export const crmRoles: Role[] = [
  {
    key: 'crm_admin',
    label: l('系统管理员', 'CRM administrator'),
    description: l('管理全部数据、元数据与用户', 'Manages all records, the metadata and the users'),
    admin: { metadata: true, users: true },
    entities: grants(CRM_ENTITIES, full('all')),
  },
  {
    key: 'sales_manager',
    label: l('销售经理', 'Sales manager'),
    description: l('本部门及下级部门的客户、商机与合同', 'Customers, deals and contracts of their department and its sub-departments'),
    entities: {
      ...grants(SELLING, { ...full('department_tree') }),
      customer: { ...full('department_tree'), alsoRead: inPool },
      ...grants(MONEY, read('department_tree')),
      ...grants(CATALOG, read('all')),
      campaign: read('all'),
      campaign_member: read('all'),
      segment: read('all'),
      ticket: read('department_tree'),
      knowledge_article: read('all'),
      sales_target: full('department_tree'),
    },
  },
  {
    key: 'sales_rep',
    label: l('销售代表', 'Sales representative'),
    description: l('自己负责的客户、线索、商机、报价与合同', 'Their own customers, leads, deals, quotes and contracts'),
    entities: {
      ...grants(SELLING, work('own')),
      customer: { ...work('own'), alsoRead: inPool, fields: poolFields },
      ...grants(MONEY, read('own')),
      ...grants(CATALOG, read('all')),
      campaign: read('all'),
      segment: read('all'),
      ticket: { create: true, read: true, scope: 'own' },
      knowledge_article: { read: true, scope: 'filter', rowFilter: published },
      sales_target: { read: true, scope: 'filter', rowFilter: { '==': [{ var: 'rep' }, { var: '$user.id' }] } },
    },
  },
  {
    key: 'marketing',
    label: l('市场人员', 'Marketing'),
    description: l('市场活动、活动成员、客户分群与线索', 'Campaigns, their members, segments and leads'),
    entities: {
      campaign: full('all'),
      campaign_member: full('all'),
      segment: full('all'),
      lead: full('all'),
      customer: { read: true, export: true, scope: 'all', fields: { phone: phoneMask } },
      contact: { read: true, scope: 'all', fields: { mobile: phoneMask, phone: phoneMask } },
      opportunity: read('all'),
      product: read('all'),
      knowledge_article: { read: true, scope: 'filter', rowFilter: published },
    },
  },
  {
    key: 'service_agent',
    label: l('客服人员', 'Service agent'),
    description: l('工单、知识库与客户服务记录', "Tickets, the knowledge base and customers' service history"),
    entities: {
      ticket: { create: true, read: true, update: true, export: true, scope: 'all' },
      knowledge_article: work('all'),
      customer: read('all'),
      contact: read('all'),
      activity: work('own'),
      product: read('all'),
    },
  },
  {
    key: 'finance',
    label: l('财务人员', 'Finance'),
    description: l('合同、回款计划、回款与发票', 'Contracts, payment plans, receipts and invoices'),
    entities: {
      contract: { read: true, update: true, export: true, scope: 'all' },
      payment_plan: full('all'),
      receipt: full('all'),
      invoice: full('all'),
      customer: read('all'),
      sales_order: read('all'),
      quote: read('all'),
      opportunity: read('all'),
      product: read('all'),
    },
  },
  {
    key: 'executive',
    label: l('高管（只读）', 'Executive (read-only)'),
    description: l('查看全部数据与报表，不能修改', 'Sees every record and dashboard, changes nothing'),
    entities: grants(CRM_ENTITIES, { read: true, export: true, scope: 'all' }),
  },
];
