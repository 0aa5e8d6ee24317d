import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { ActionContext, WorkflowAction } from '../action-contract.js';
import { EmailInvalid, EmailNotConfigured } from './actions.errors.js';
import { plannedAction } from './planned-action.js';
import { effectOnce } from './step-effects.js';
import { textSetting, visibleValue } from './step-values.js';

/** Recipients per email, to and cc together. */
export const MAX_RECIPIENTS = 50;
/** A bare address: no display name, no comments, no line breaks (RFC 5321 sizes). */
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

const LOGIC = { type: 'object', minProperties: 1, maxProperties: 1 } as const;
const RECIPIENTS = { anyOf: [{ type: 'string', minLength: 1, maxLength: 4000 }, LOGIC] };

/**
 * `send_email`: one email through SMTP (SMTP_URL, from MAIL_FROM).
 *
 * - `to`, `cc`: a template (`{{record.email}}`, several separated by `,` or `;`) or
 *   json-logic giving an address or a list; every address is checked;
 * - `subject`: a template, line breaks flattened so nothing can add a header;
 * - `html`: a template whose placeholders are HTML-escaped; `text`: a plain template.
 *
 * The Message-ID derives from the idempotency key, so an email sent again (a retried
 * run) carries the same id and mail systems can recognise it. The send goes through
 * effectOnce: a sent email is recorded, so a replayed step does not send it again, and
 * one that a dead worker left under way is not sent again on its own.
 */
export const sendEmailAction: WorkflowAction = plannedAction({
  type: 'send_email',
  external: true,
  configSchema: {
    type: 'object',
    properties: {
      to: RECIPIENTS,
      cc: RECIPIENTS,
      subject: { type: 'string', minLength: 1, maxLength: 998 },
      html: { type: 'string', maxLength: 200_000 },
      text: { type: 'string', maxLength: 200_000 },
    },
    required: ['to', 'subject'],
    // At least one body (strict ajv wants the property named where it is required).
    anyOf: [
      { properties: { html: true }, required: ['html'] },
      { properties: { text: true }, required: ['text'] },
    ],
    additionalProperties: false,
  },
  async plan(config, ctx) {
    if (!ctx.mail) throw EmailNotConfigured();
    const to = recipients(config.to, ctx, '/to');
    const cc = config.cc === undefined ? [] : recipients(config.cc, ctx, '/cc');
    if (to.length === 0) throw EmailInvalid('The email has no recipient', [{ pointer: '/to', code: 'REQUIRED' }]);
    if (to.length + cc.length > MAX_RECIPIENTS)
      throw EmailInvalid(`At most ${MAX_RECIPIENTS} recipients per email`, [{ pointer: '/to', code: 'OUT_OF_RANGE' }]);
    // Recipients who are platform users see no field that any of them may not see.
    const shown: ActionContext = { ...ctx, visible: await ctx.seenBy({ emails: [...to, ...cc] }) };
    return {
      from: ctx.mail.from,
      to,
      cc,
      subject: oneLine(textSetting(config.subject, shown, 'none')),
      ...(config.html === undefined ? {} : { html: textSetting(config.html, shown, 'html') }),
      ...(config.text === undefined ? {} : { text: textSetting(config.text, shown, 'none') }),
    };
  },
  async perform(plan, ctx) {
    const mail = ctx.mail;
    if (!mail) throw EmailNotConfigured();
    const messageId = messageIdFor(ctx.idempotencyKey, mail.from);
    const message = { ...plan, messageId, headers: { 'X-Metacrm-Idempotency-Key': ctx.idempotencyKey } };
    const output = await effectOnce(ctx, 'send_email', async () => {
      const transport = nodemailer.createTransport(mail.smtpUrl);
      try {
        const info = await transport.sendMail(message);
        const address = (a: string | { address: string }) => (typeof a === 'string' ? a : a.address);
        return { messageId, to: plan.to, cc: plan.cc, accepted: info.accepted.map(address), rejected: info.rejected.map(address) };
      } finally {
        transport.close();
      }
    });
    return { output };
  },
});

/** The addresses a `to` / `cc` setting gives, each checked; throws EMAIL_INVALID naming the bad one. */
function recipients(setting: unknown, ctx: ActionContext, pointer: string): string[] {
  const value = typeof setting === 'string' ? textSetting(setting, ctx, 'none') : visibleValue(setting, ctx);
  const list = (Array.isArray(value) ? value : [value]).flatMap((v) =>
    typeof v === 'string' ? v.split(/[,;]/) : v === null || v === undefined ? [] : [v],
  );
  const addresses: string[] = [];
  for (const [i, item] of list.entries()) {
    const address = typeof item === 'string' ? item.trim() : item;
    if (address === '') continue;
    if (typeof address !== 'string' || address.length > 254 || !ADDRESS.test(address)) {
      throw EmailInvalid(`${JSON.stringify(address)} is not an email address`, [{ pointer, code: 'BAD_FORMAT', index: i }]);
    }
    addresses.push(address);
  }
  return [...new Set(addresses)];
}

/** Line breaks (and other control characters) become spaces: a subject stays one header line. */
function oneLine(text: string): string {
  return [...text]
    .map((c) => (c <= '\u001f' || c === '\u007f' || c === '\u2028' || c === '\u2029' ? ' ' : c))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** `<hash-of-key@sender-domain>`: the same for every send of one step execution. */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'metacrm.invalid';
  return `<wf.${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${domain}>`;
}
