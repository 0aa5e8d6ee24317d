import { describe, expect, it } from 'vitest';
import { MetaValidator, createFieldTypeRegistry } from '@metacrm/metadata';
import { WEBHOOK_TRIGGER } from '../webhooks/webhook-trigger.js';
import { OUTSIDE_ACTIONS } from './index.js';

/**
 * The settings schemas of the steps and the trigger that reach outside, compiled by the
 * same strict validator that checks workflows at publish: valid settings pass, and
 * mistakes come back as problems with pointers.
 */
const validator = new MetaValidator(createFieldTypeRegistry());
const schemaOf = (type: string) => (type === 'webhook' ? WEBHOOK_TRIGGER : OUTSIDE_ACTIONS.find((a) => a.type === type)!).configSchema;
const check = (type: string, config: unknown) => validator.validateAgainst(schemaOf(type), config, '').map((p) => `${p.pointer}|${p.code}`);

describe('settings of the steps that reach outside', () => {
  it.each([
    [
      'http_request',
      {
        url: 'https://api.example.com/x/{{record.id}}',
        method: 'POST',
        headers: { Authorization: 'Bearer {{vars.token}}', 'X-Trace': '1' },
        body: { a: { var: 'record.a' } },
        timeoutSeconds: 30,
        mapResponse: { id: { var: 'body.id' } },
      },
    ],
    [
      'http_request',
      { url: { cat: ['https://', { var: 'vars.host' }] }, body: 'text {{record.name}}', contentType: 'text/csv; charset=utf-8' },
    ],
    ['send_email', { to: '{{record.email}}', cc: { var: 'record.cc' }, subject: 'Hi', html: '<p>Hi</p>' }],
    ['send_email', { to: 'a@example.com', subject: 'Hi', text: 'Hi' }],
    [
      'notify',
      {
        to: { var: 'record._ownerId' },
        title: { 'zh-CN': '你好', en: 'Hello' },
        body: 'b',
        link: { entity: 'account', record: { var: 'record.account' } },
      },
    ],
    [
      'webhook',
      { schema: { type: 'object', properties: { email: { type: 'string', format: 'email' } } }, maxBytes: 4096, ratePerMinute: 10 },
    ],
  ])('accept valid %s settings', (type, config) => {
    expect(check(type, config)).toEqual([]);
  });

  it.each([
    ['http_request', { url: 'https://x', headers: { Host: 'a' } }, '/headers/Host'],
    ['http_request', { url: 'https://x', headers: { 'keep-ALIVE': 'a' } }, '/headers/keep-ALIVE'],
    ['http_request', { url: 'https://x', headers: { 'Idempotency-Key': 'mine' } }, '/headers/Idempotency-Key'],
    ['http_request', { url: 'https://x', headers: { 'bad header': 'a' } }, '/headers/bad header'],
    ['http_request', { url: 'https://x', timeoutSeconds: 31 }, '/timeoutSeconds'],
    ['http_request', { url: 'https://x', contentType: 'text/plain\r\nX-Evil: 1' }, '/contentType'],
    ['http_request', {}, '/url'],
    ['send_email', { to: 'a@example.com', subject: 'no body' }, ''],
    ['notify', { to: 'u1', title: { en: 'only English' } }, '/title'],
    ['webhook', { schema: { type: 'strin' } }, '/schema/type'],
    ['webhook', { schema: {}, maxBytes: 2 * 1024 * 1024 }, '/maxBytes'],
  ])('refuse %s settings %j at %s', (type, config, pointer) => {
    expect(check(type, config).map((p) => p.split('|')[0])).toContain(pointer);
  });
});
