import { createNotification, type NotificationText } from '../../notifications/notifications.js';
import type { ActionContext, WorkflowAction } from '../action-contract.js';
import { NotificationInvalid } from './actions.errors.js';
import { plannedAction } from './planned-action.js';
import { textSetting, visibleValue } from './step-values.js';

/** Users one notify step may reach. */
export const MAX_NOTIFIED_USERS = 100;
const USER_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const LOGIC = { type: 'object', minProperties: 1, maxProperties: 1 } as const;
const TEXT = (maxLength: number) => ({
  anyOf: [
    { type: 'string', minLength: 1, maxLength },
    {
      type: 'object',
      properties: { 'zh-CN': { type: 'string', minLength: 1, maxLength }, en: { type: 'string', minLength: 1, maxLength } },
      required: ['zh-CN', 'en'],
      additionalProperties: false,
    },
  ],
});

/**
 * `notify`: an in-app notification for one or more users.
 *
 * - `to`: a template or json-logic giving a user id or a list (`{"var": "record._ownerId"}`);
 * - `title`, `body`: a template, or `{"zh-CN", "en"}` templates, rendered for each user
 *   from the record as that user may see it; stored as text (the apps escape it when
 *   they show it);
 * - `link`: `{entity?, record?}`, the record it is about: by default the trigger record.
 *
 * Each user's notification is keyed by the step execution and the user (unique), so a
 * replayed step creates none twice.
 */
export const notifyAction: WorkflowAction = plannedAction({
  type: 'notify',
  external: true,
  configSchema: {
    type: 'object',
    properties: {
      to: { anyOf: [{ type: 'string', minLength: 1, maxLength: 4000 }, LOGIC] },
      title: TEXT(200),
      body: TEXT(2000),
      link: {
        type: 'object',
        properties: {
          entity: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 48 },
          record: { anyOf: [{ type: 'string', maxLength: 200 }, LOGIC] },
        },
        additionalProperties: false,
      },
    },
    required: ['to', 'title'],
    additionalProperties: false,
  },
  async plan(config, ctx) {
    const users = userIds(config.to, ctx);
    const link = config.link === undefined ? null : recordLink(config.link as Record<string, unknown>, ctx);
    const messages: { userId: string; title: NotificationText; body: NotificationText | null }[] = [];
    for (const userId of users) {
      // Each user's text shows the record as that user may see it.
      const seen: ActionContext = { ...ctx, visible: await ctx.seenBy({ ids: [userId] }) };
      messages.push({
        userId,
        title: text(config.title, seen, '/title'),
        body: config.body === undefined ? null : text(config.body, seen, '/body'),
      });
    }
    return { users, link, messages };
  },
  async perform({ users, link, messages }, ctx) {
    const ids: string[] = [];
    for (const { userId, title, body } of messages) {
      const { id } = await createNotification(ctx.db, { userId, title, body, link, key: `${ctx.idempotencyKey}:${userId}` });
      ids.push(id);
    }
    return { output: { ids, users } };
  },
});

function userIds(setting: unknown, ctx: ActionContext): string[] {
  const value = typeof setting === 'string' ? textSetting(setting, ctx, 'none') : visibleValue(setting, ctx);
  const list = (Array.isArray(value) ? value : [value]).flatMap((v) =>
    typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v === null || v === undefined ? [] : [v],
  );
  const users = [...new Set(list.filter((v) => v !== ''))];
  const bad = users.find((u) => typeof u !== 'string' || !USER_ID.test(u));
  if (bad !== undefined) throw NotificationInvalid(`${JSON.stringify(bad)} is not a user id`, [{ pointer: '/to', code: 'BAD_FORMAT' }]);
  if (users.length === 0) throw NotificationInvalid('The notification names no user', [{ pointer: '/to', code: 'REQUIRED' }]);
  if (users.length > MAX_NOTIFIED_USERS)
    throw NotificationInvalid(`At most ${MAX_NOTIFIED_USERS} users per notification`, [{ pointer: '/to', code: 'OUT_OF_RANGE' }]);
  return users as string[];
}

function text(setting: unknown, ctx: ActionContext, pointer: string): NotificationText {
  const render = (template: string, at: string) => {
    const out = textSetting(template, ctx, 'none').trim();
    if (out === '') throw NotificationInvalid('The text is empty once filled in', [{ pointer: at, code: 'REQUIRED' }]);
    return out;
  };
  if (typeof setting === 'string') return render(setting, pointer);
  const both = setting as { 'zh-CN': string; en: string };
  return { 'zh-CN': render(both['zh-CN'], `${pointer}/zh-CN`), en: render(both.en, `${pointer}/en`) };
}

function recordLink(link: Record<string, unknown>, ctx: ActionContext): { entity: string; id: string } {
  const entity = (link.entity as string | undefined) ?? ctx.entity;
  const id = link.record === undefined ? ctx.scope.record?.id : textSetting(link.record, ctx, 'none');
  if (!entity)
    throw NotificationInvalid('The link names no entity, and the workflow has none', [{ pointer: '/link/entity', code: 'REQUIRED' }]);
  if (typeof id !== 'string' || id === '')
    throw NotificationInvalid('The link names no record, and the run has no trigger record', [
      { pointer: '/link/record', code: 'REQUIRED' },
    ]);
  return { entity, id };
}
