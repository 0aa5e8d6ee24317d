/**
 * The customer pool (公海) as ordinary workflows: the idle clock, the warning, the
 * recycling, claiming and assigning. The pool is the customers nobody owns; reps and
 * managers see it through their roles' `alsoRead` (roles.ts), and a customer's
 * `pool_due_at` (customers.ts) says when it returns there. An admin changes the figures
 * here (the wait before a previous owner may reclaim, the cap) in the designer.
 */
import type { Logic, Workflow } from '@metacrm/metadata';
import { l } from './dsl.js';

const v = (path: string) => ({ var: path });
/** A previous owner waits this many days before claiming the customer back. */
export const RECLAIM_WAIT_DAYS = 7;
/** A rep owns at most this many customers; claiming one more is refused. */
export const OWNER_CAP = 50;
/** The warning comes this many days before a customer enters the pool. */
export const WARN_DAYS = 3;

/** Owned, not locked, not closed: a customer the pool may take (pool_due_at is null for the others; checked again when it fires). */
const recyclable: Logic = { and: [v('record._ownerId'), { '!': v('record.locked') }, { '!=': [v('record.deal_status'), 'closed'] }] };

/** A follow-up restarts its customer's idle clock (and is its last follow-up). */
const followUpTouch: Workflow = {
  key: 'customer_follow_up_touch',
  label: l('跟进重置公海计时', 'A follow-up restarts the pool clock'),
  entity: 'activity',
  trigger: { type: 'record_created' },
  condition: v('record.customer'),
  start: 'touch',
  steps: [
    {
      id: 'touch',
      type: 'update_record',
      config: {
        entity: 'customer',
        record: v('record.customer'),
        values: { last_follow_up_at: v('record.occurred_at'), pool_clock_at: v('now') },
      },
    },
  ],
};

/** A new opportunity restarts its customer's idle clock. */
const opportunityTouch: Workflow = {
  key: 'customer_opportunity_touch',
  label: l('新商机重置公海计时', 'A new opportunity restarts the pool clock'),
  entity: 'opportunity',
  trigger: { type: 'record_created' },
  condition: v('record.customer'),
  start: 'touch',
  steps: [
    {
      id: 'touch',
      type: 'update_record',
      config: { entity: 'customer', record: v('record.customer'), values: { pool_clock_at: v('now') } },
    },
  ],
};

/** A few days before a customer enters the pool, its owner is warned. */
const poolWarning: Workflow = {
  key: 'customer_pool_warning',
  label: l('公海回收预警', 'Pool recycling warning'),
  entity: 'customer',
  trigger: { type: 'date_field', field: 'pool_due_at', offset: { amount: -WARN_DAYS, unit: 'day' } },
  condition: recyclable,
  start: 'tell',
  steps: [
    {
      id: 'tell',
      type: 'notify',
      config: {
        to: v('record._ownerId'),
        title: {
          'zh-CN': `客户 ${WARN_DAYS} 天后进入公海：{{record.name}}`,
          en: `Customer enters the pool in ${WARN_DAYS} days: {{record.name}}`,
        },
        body: { 'zh-CN': '跟进客户或创建商机可重新计时', en: 'A follow-up or a new opportunity restarts the clock' },
      },
    },
  ],
};

/** On its due time, an idle customer returns to the pool; who had it waits before reclaiming it. */
const poolRecycle: Workflow = {
  key: 'customer_pool_recycle',
  label: l('客户回收到公海', 'Recycle idle customers to the pool'),
  entity: 'customer',
  trigger: { type: 'date_field', field: 'pool_due_at', offset: { amount: 0, unit: 'day' } },
  condition: recyclable,
  start: 'keep',
  steps: [
    {
      id: 'keep',
      type: 'update_record',
      label: l('记录前负责人', 'Keep the previous owner'),
      next: 'release',
      config: {
        values: {
          previous_owner: v('record._ownerId'),
          reclaim_after: { date_add: [v('now'), RECLAIM_WAIT_DAYS, 'day'] },
        },
      },
    },
    { id: 'release', type: 'assign_owner', label: l('放入公海', 'Return to the pool'), next: 'tell', config: { owner: 'nobody' } },
    {
      id: 'tell',
      type: 'notify',
      config: {
        to: v('record._ownerId'),
        title: { 'zh-CN': '客户已进入公海：{{record.name}}', en: 'Customer returned to the pool: {{record.name}}' },
        body: { 'zh-CN': `${RECLAIM_WAIT_DAYS} 天内不能重新领取`, en: `You may claim it again after ${RECLAIM_WAIT_DAYS} days` },
      },
    },
  ],
};

/** Takes the customer off the pool for `owner`, with a fresh idle clock. */
const takeSteps = (owner: unknown): Workflow['steps'] => [
  { id: 'take', type: 'assign_owner', label: l('设为负责人', 'Make the owner'), next: 'restart', config: { owner } },
  {
    id: 'restart',
    type: 'update_record',
    label: l('重新计时', 'Restart the clock'),
    config: { values: { pool_clock_at: v('now'), previous_owner: null, reclaim_after: null } },
  },
];

const notInPool = (zh: string, en: string) => ({
  id: 'in_pool',
  type: 'refuse',
  next: 'wait',
  config: { when: v('record._ownerId'), reason: 'not_in_pool', message: { 'zh-CN': zh, en } },
});

/** A rep claims a customer from the pool: not their own recycled one too soon, and not past the cap. */
const claimCustomer: Workflow = {
  key: 'claim_customer',
  label: l('领取客户', 'Claim customer'),
  entity: 'customer',
  description: l(
    '从公海领取客户：前负责人须等待期满，每人拥有的客户数有上限',
    'Claims a customer from the pool: a previous owner waits out the reclaim time, and each rep owns at most a set number of customers',
  ),
  trigger: { type: 'manual' },
  start: 'in_pool',
  steps: [
    notInPool('该客户不在公海中', 'This customer is not in the pool'),
    {
      id: 'wait',
      type: 'refuse',
      next: 'owned',
      config: {
        when: {
          and: [
            { '==': [v('record.previous_owner'), v('user.id')] },
            v('record.reclaim_after'),
            { '<': [v('now'), v('record.reclaim_after')] },
          ],
        },
        reason: 'reclaim_too_soon',
        field: 'reclaim_after',
        message: {
          'zh-CN': '前负责人在可领回时间之前不能领取该客户',
          en: 'As its previous owner you may claim this customer only after the reclaim time',
        },
      },
    },
    {
      id: 'owned',
      type: 'query_records',
      next: 'cap',
      config: { entity: 'customer', filter: { field: '_ownerId', op: 'eq', value: v('user.id') }, limit: 1 },
    },
    {
      id: 'cap',
      type: 'refuse',
      next: 'take',
      config: {
        when: { '>=': [v('steps.owned.count'), OWNER_CAP] },
        reason: 'owner_cap_reached',
        message: { 'zh-CN': `每人最多拥有 ${OWNER_CAP} 个客户`, en: `Each rep owns at most ${OWNER_CAP} customers` },
      },
    },
    ...takeSteps('triggering_user'),
  ],
};

/** A manager gives a customer of the pool to a rep. */
const assignFromPool: Workflow = {
  key: 'assign_from_pool',
  label: l('分配公海客户', 'Assign from the pool'),
  entity: 'customer',
  trigger: {
    type: 'manual',
    roles: ['sales_manager', 'crm_admin'],
    inputSchema: {
      type: 'object',
      required: ['owner'],
      properties: { owner: { type: 'string', title: '负责人 / Owner', pattern: '^[0-9a-f]{24}$' } },
    },
  },
  start: 'in_pool',
  steps: [{ ...notInPool('该客户不在公海中', 'This customer is not in the pool'), next: 'take' }, ...takeSteps({ user: v('input.owner') })],
};

export const poolWorkflows: Workflow[] = [followUpTouch, opportunityTouch, poolWarning, poolRecycle, claimCustomer, assignFromPool];
