import { ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '@metacrm/metadata';
import { createLogger } from '../../server/src/observability/logger.js';
import { AttachmentSweeper } from '../../server/src/records/attachments/attachment-sweep.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * Files of attachment fields (issue #15): upload, attach through the record pipeline,
 * download as a download, the access of the record and field, the size limit, hostile
 * names and content, and the sweep of files nothing holds.
 */
const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
const MAX_BYTES = 64 * 1024;

const claim: Entity = {
  key: 'claim',
  label: l('Claim'),
  displayField: 'title',
  fields: [
    { key: 'title', type: 'text', label: l('Title'), required: true },
    { key: 'docs', type: 'attachment', label: l('Documents') },
    { key: 'private_docs', type: 'attachment', label: l('Private documents') },
  ],
};
const clerk = {
  key: 'clerk',
  label: l('Clerk'),
  entities: { claim: { create: true, read: true, update: true, delete: true, scope: 'own', fields: { private_docs: { read: false } } } },
};

type Ref = { id: string; name: string; size: number; type: string };
type Err = {
  error: { code: string; message: string; details: { field?: string; maxBytes?: number; problems?: { pointer: string; code: string }[] } };
};
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1d0c3d40000000049454e44ae426082',
  'hex',
);

let platform: TestPlatform;
let db: Db;
let admin: ApiClient;
const as: Record<string, { api: ApiClient; token: string }> = {};

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    config: { attachments: { maxBytes: MAX_BYTES, orphanTtlMs: 60_000 } },
  });
  admin = apiClient(platform.url, { token: platform.adminToken });
  expect((await admin.put('/api/meta/draft/entities/claim', claim)).status).toBe(200);
  expect((await admin.put('/api/meta/draft/roles/clerk', clerk)).status).toBe(200);
  expect((await admin.post('/api/meta/publish')).status).toBe(200);
  for (const user of ['ann', 'bob']) {
    expect(
      (await admin.post('/api/users', { email: `${user}@example.com`, name: user, password: `${user} password 123`, roles: ['clerk'] }))
        .status,
    ).toBe(201);
    const token = (await signIn(platform.url, `${user}@example.com`, `${user} password 123`)).token;
    as[user] = { api: apiClient(platform.url, { token }), token };
  }
});
afterAll(async () => {
  await platform?.stop();
});

/** Uploads raw bytes as `token`'s user. */
async function upload(
  token: string,
  field: string,
  name: string,
  bytes: Buffer,
  query = '',
  type = 'application/octet-stream',
): Promise<{ status: number; body: Ref & Err }> {
  const res = await fetch(`${platform.url}/api/attachments/claim/${field}?name=${encodeURIComponent(name)}${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type },
    body: bytes,
  });
  return { status: res.status, body: (await res.json()) as Ref & Err };
}

async function download(token: string, id: string): Promise<Response> {
  return await fetch(`${platform.url}/api/attachments/${id}`, { headers: { Authorization: `Bearer ${token}` } });
}

const fileDoc = (id: string) => db.collection('attachments.files').findOne({ _id: new ObjectId(id) });

describe('attachments', () => {
  it('uploads, attaches through the record, and downloads as the owner, always as a download', async () => {
    const ann = as.ann!;
    const up = await upload(ann.token, 'docs', 'contract.pdf', PDF);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ name: 'contract.pdf', size: PDF.length, type: 'application/pdf' });
    // The client's ref may not rename or resize the file: the stored values win.
    const made = await ann.api.post<{ id: string; docs: Ref[] }>('/api/records/claim', {
      title: 'C1',
      docs: [{ ...up.body, name: 'other.exe', size: 1 }],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.docs).toEqual([up.body]);
    const res = await download(ann.token, up.body.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="contract.pdf"');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
    const audit = await db
      .collection('audit_log')
      .find({ action: /^attachment\./, 'target.id': up.body.id })
      .toArray();
    expect(audit.map((a) => a.action).sort()).toEqual(['attachment.download', 'attachment.upload']);
    expect(audit[0]!.data).toMatchObject({ name: 'contract.pdf', size: PDF.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('hides a file from a user who cannot read its record or field: 404, not 403', async () => {
    const ann = as.ann!;
    const up = await upload(ann.token, 'docs', 'plan.png', PNG);
    expect(up.status).toBe(201);
    // Before it is attached, the upload is its uploader's alone.
    expect((await download(as.bob!.token, up.body.id)).status).toBe(404);
    const made = await ann.api.post<{ id: string }>('/api/records/claim', { title: 'C2', docs: [up.body] });
    const res = await download(as.bob!.token, up.body.id);
    expect(res.status).toBe(404);
    expect(((await res.json()) as Err).error.code).toBe('ATTACHMENT_NOT_FOUND');
    // Nor may bob attach ann's file to a record of his own, or upload to her record.
    const stolen = await as.bob!.api.post<Err>('/api/records/claim', { title: 'B1', docs: [up.body] });
    expect([stolen.status, stolen.body.error.details.problems?.map((p) => `${p.pointer} ${p.code}`)]).toEqual([422, ['/docs/0 INVALID']]);
    expect((await upload(as.bob!.token, 'docs', 'x.pdf', PDF, `&record=${made.body.id}`)).status).toBe(404);
    // A field the role cannot read: its files are not there for them, and they cannot upload to it.
    const hidden = await upload(platform.adminToken, 'private_docs', 'secret.pdf', PDF);
    await admin.patch(`/api/records/claim/${made.body.id}`, { private_docs: [hidden.body] });
    expect((await download(platform.adminToken, hidden.body.id)).status).toBe(200);
    expect((await download(ann.token, hidden.body.id)).status).toBe(404);
    const denied = await upload(ann.token, 'private_docs', 'x.pdf', PDF);
    expect([denied.status, denied.body.error.code]).toEqual([403, 'FIELD_NOT_WRITABLE']);
  });

  it('refuses a file over the limit with the code and the field, and content of a type not allowed', async () => {
    const big = await upload(as.ann!.token, 'docs', 'big.pdf', Buffer.concat([PDF, Buffer.alloc(MAX_BYTES)]));
    expect([big.status, big.body.error.code, big.body.error.details.field, big.body.error.details.maxBytes]).toEqual([
      413,
      'ATTACHMENT_TOO_LARGE',
      'docs',
      MAX_BYTES,
    ]);
    expect(big.body.error.details.problems).toEqual([expect.objectContaining({ pointer: '/docs', code: 'OUT_OF_RANGE' })]);
    for (const [name, bytes] of [
      ['page.txt', '<!DOCTYPE html><script>alert(1)</script>'],
      ['logo.png', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
      ['run.pdf', 'MZ\x90\x00\x03\x00\x00\x00'],
    ] as const) {
      const refused = await upload(as.ann!.token, 'docs', name, Buffer.from(bytes, 'latin1'), '', 'application/pdf');
      expect([name, refused.status, refused.body.error.code]).toEqual([name, 415, 'ATTACHMENT_TYPE_NOT_ALLOWED']);
    }
    const notAField = await upload(as.ann!.token, 'title', 'a.pdf', PDF);
    expect([notAField.status, notAField.body.error.code]).toEqual([400, 'ATTACHMENT_INVALID']);
  });

  it.each([
    ['../../etc/passwd', 'passwd.txt'],
    ['..\\..\\windows\\win.ini', 'win.ini.txt'],
    ['report\u202Efdp.exe', 'report_fdp.exe.txt'],
    ['  .hidden  ', 'hidden.txt'],
    ['CON', 'file_CON.txt'],
    ['a\r\nContent-Type: text-html.txt', 'a__Content-Type_ text-html.txt'],
    ['报价单 2026.csv', '报价单 2026.csv'],
  ])('stores the hostile name %j as %j and sends it back safely', async (raw, stored) => {
    const up = await upload(as.ann!.token, 'docs', raw, Buffer.from('a,b\n1,2\n'));
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body.name).toBe(stored);
    const res = await download(as.ann!.token, up.body.id);
    expect(res.status).toBe(200);
    const disposition = res.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[^"\\/\r\n]*"(; filename\*=UTF-8''[^\s"]+)?$/);
  });

  it('cleans up: a removed ref and a purged record let go of their files, and the sweep deletes them and old uploads', async () => {
    const ann = as.ann!;
    const [a, b, orphan] = [
      await upload(ann.token, 'docs', 'a.pdf', PDF),
      await upload(ann.token, 'docs', 'b.pdf', PDF),
      await upload(ann.token, 'docs', 'c.pdf', PDF),
    ];
    const made = await ann.api.post<{ id: string; _version: number }>('/api/records/claim', { title: 'C3', docs: [a.body, b.body] });
    expect(made.status).toBe(201);
    // DELETE of an attached file takes its ref out of the record through the pipeline.
    expect((await ann.api.delete(`/api/attachments/${a.body.id}`)).status).toBe(204);
    expect((await ann.api.get<{ docs: Ref[] }>(`/api/records/claim/${made.body.id}`)).body.docs).toEqual([b.body]);
    expect((await download(ann.token, a.body.id)).status).toBe(404);
    // Purging the record lets go of the rest; the soft delete alone keeps them for a restore.
    expect((await ann.api.delete(`/api/records/claim/${made.body.id}`)).status).toBe(204);
    expect((await fileDoc(b.body.id))?.metadata.detachedAt).toBeNull();
    expect((await admin.delete(`/api/records/claim/${made.body.id}?hard=true`)).status).toBe(204);
    expect((await fileDoc(b.body.id))?.metadata.detachedAt).toBeInstanceOf(Date);
    const sweeper = new AttachmentSweeper({ db, logger: createLogger('silent'), orphanTtlMs: 60_000 });
    const kept = (await upload(ann.token, 'docs', 'd.pdf', PDF)).body;
    await ann.api.post('/api/records/claim', { title: 'C4', docs: [kept] });
    // An hour on: the unattached upload is past its TTL; the attached one stays.
    await sweeper.sweepOnce(new Date(Date.now() + 3_600_000));
    for (const gone of [a, b, orphan]) {
      expect(await fileDoc(gone.body.id)).toBeNull();
      expect(await db.collection('attachments.chunks').countDocuments({ files_id: new ObjectId(gone.body.id) })).toBe(0);
    }
    expect(await fileDoc(kept.id)).not.toBeNull();
    expect((await download(ann.token, kept.id)).status).toBe(200);
  });
});
