import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { RecordService } from '../../server/src/records/record.service.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import type { Db } from 'mongodb';
import { accessBundle } from './access-bundle.js';

/**
 * "Preview as this role" (issue #17): a metadata administrator sends
 * X-Metacrm-Preview-Role and acts as exactly that role, read-only, through the same
 * engine checks as a holder of the role; anyone else sending the header is refused.
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
let ann: ApiClient;
let db: Db;
const ids: Record<string, string> = {};
const asRep = { 'X-Metacrm-Preview-Role': 'rep' };

type Problem = { error: { code: string; details?: Record<string, unknown> } };

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  const bundle = accessBundle();
  for (const entity of bundle.entities) await admin.put(`/api/meta/draft/entities/${entity.key}`, entity);
  for (const role of bundle.roles) await admin.put(`/api/meta/draft/roles/${role.key}`, role);
  expect((await admin.post('/api/meta/publish')).status).toBe(200);
  const created = await admin.post<{ id: string }>('/api/users', {
    email: 'ann@example.com',
    name: 'ann',
    password: 'ann password 123',
    roles: ['rep'],
  });
  expect(created.status).toBe(201);
  ann = apiClient(platform.url, { token: (await signIn(platform.url, 'ann@example.com', 'ann password 123')).token });
  // The admin's own deal (the rep's `own` scope, previewed by the admin, reaches it) and ann's.
  ids.mine = (
    await admin.post<{ id: string }>('/api/records/deal', {
      title: 'Mine',
      amount: '10.00',
      phone: '13812341234',
      note: 'secret',
      region: 'south',
    })
  ).body.id;
  ids.ann = (await ann.post<{ id: string }>('/api/records/deal', { title: 'Ann', amount: '20.00', region: 'north' })).body.id;
});
afterAll(async () => {
  await platform?.stop();
});

describe('preview as a role', () => {
  it('lists only what the role reads, without its hidden field, with its mask', async () => {
    const full = await admin.get<{ records: Record<string, unknown>[] }>('/api/records/deal?sort=title');
    expect(full.body.records.map((r) => r.title)).toEqual(['Ann', 'Mine']);
    const listed = await admin.get<{ records: Record<string, unknown>[] }>('/api/records/deal', asRep);
    expect(listed.status).toBe(200);
    expect(listed.body.records.map((r) => [r.title, r.phone, 'note' in r])).toEqual([['Mine', '138****1234', false]]);
    expect((await admin.get(`/api/records/deal/${ids.ann}`, asRep)).status).toBe(404);
    const me = await admin.get<{ roles: string[]; previewRole: string; adminRights: { metadata: boolean } }>('/api/auth/me', asRep);
    expect([me.body.roles, me.body.previewRole, me.body.adminRights.metadata]).toEqual([['rep'], 'rep', false]);
    const meta = await admin.get<{
      entities: { key: string; rights: Record<string, boolean>; fields: { key: string; access: { write: boolean } }[] }[];
    }>('/api/me/metadata', asRep);
    const deal = meta.body.entities.find((e) => e.key === 'deal')!;
    expect([deal.rights.read, deal.rights.create, deal.rights.update]).toEqual([true, false, false]);
    expect(deal.fields.map((f) => f.key)).not.toContain('note');
    expect(deal.fields.every((f) => !f.access.write)).toBe(true);
  });

  it('refuses every write with PREVIEW_READ_ONLY, and writes nothing', async () => {
    const created = await admin.post<Problem>('/api/records/deal', { title: 'Nope' }, asRep);
    expect([created.status, created.body.error.code]).toEqual([403, 'PREVIEW_READ_ONLY']);
    const patched = await admin.patch<Problem>(`/api/records/deal/${ids.mine}`, { title: 'Changed' }, asRep);
    expect([patched.status, patched.body.error.code]).toEqual([403, 'PREVIEW_READ_ONLY']);
    expect((await admin.delete<Problem>(`/api/records/deal/${ids.mine}`, asRep)).body.error.code).toBe('PREVIEW_READ_ONLY');
    expect((await admin.get<{ records: unknown[] }>('/api/records/deal')).body.records).toHaveLength(2);
    expect((await admin.get<{ title: string }>(`/api/records/deal/${ids.mine}`)).body.title).toBe('Mine');
  });

  it('is refused to a user without the metadata admin right, and for an unknown or the admin role', async () => {
    const refused = await ann.get<Problem>('/api/records/deal', asRep);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'PREVIEW_NOT_ALLOWED']);
    const unknown = await admin.get<Problem>('/api/records/deal', { 'X-Metacrm-Preview-Role': 'nobody' });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'PREVIEW_ROLE_UNKNOWN']);
    expect((await admin.get<Problem>('/api/records/deal', { 'X-Metacrm-Preview-Role': 'admin' })).body.error.code).toBe(
      'PREVIEW_ROLE_UNKNOWN',
    );
    // The previewed role grants no admin right, so the metadata API is closed too.
    expect((await admin.get<Problem>('/api/meta/draft', asRep)).status).toBe(403);
  });

  it('is audited once per credential and role, not per request', async () => {
    await admin.get('/api/records/deal', asRep);
    const audit = await admin.get<{ entries: { action: string; target: { key: string } }[] }>('/api/audit?action=access.preview');
    expect(audit.status).toBe(200);
    expect(audit.body.entries.filter((e) => e.action === 'access.preview').map((e) => e.target.key)).toEqual(['rep']);
  });

  it('is read-only in the engine too, whatever path reaches it', async () => {
    const snapshot = await new MetadataCache(db).current();
    const actor = { kind: 'user' as const, id: '0'.repeat(24), name: 'admin', roles: ['rep'], preview: { role: 'rep' } };
    const service = new RecordService({ db, snapshot, registries: createRegistries(), actor });
    await expect(service.create('deal', { title: 'x' })).rejects.toMatchObject({ code: 'PREVIEW_READ_ONLY' });
    await expect(service.update('deal', ids.mine!, { title: 'x' })).rejects.toMatchObject({ code: 'PREVIEW_READ_ONLY' });
  });
});
