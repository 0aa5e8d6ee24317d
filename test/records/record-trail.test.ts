import fs from 'node:fs';
import path from 'node:path';
import { ObjectId, type Db } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../server/src/audit/audit-log.js';
import { AUDIT_LOG } from '../../server/src/audit/record-trail.js';
import { openTestDb, testEnv } from '../helpers/env.js';

const env = testEnv(import.meta.url);
const actor = { kind: 'user', id: '64b000000000000000000001', name: 'Ada', roles: ['admin'], departmentId: null };
let db: Db;
let audit: AuditLog;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  audit = new AuditLog(db);
});

describe('AuditLog record entries', () => {
  it('appends a batch in one go, with one time, the actor without roles, and no undefined keys', async () => {
    const [a, b] = [new ObjectId(), new ObjectId()];
    await audit.appendMany([
      { actor, action: 'record.create', entity: 'lead', recordId: a, version: 1, fields: ['name'], requestId: 'batch:1' },
      { actor, action: 'record.create', entity: 'lead', recordId: b, version: 1, fields: ['name'], requestId: 'batch:2', view: undefined },
    ]);
    const docs = await db
      .collection(AUDIT_LOG)
      .find({ requestId: { $in: ['batch:1', 'batch:2'] } })
      .sort({ _id: 1 })
      .toArray();
    expect(docs.map((d) => String(d.recordId))).toEqual([String(a), String(b)]);
    expect(docs[0]!.at).toEqual(docs[1]!.at);
    expect(docs[0]!.actor).toEqual({ kind: 'user', id: actor.id, name: 'Ada' });
    expect(docs[1]).not.toHaveProperty('view');
    const { entries } = await audit.list({ action: 'record.' });
    expect(entries.find((e) => e.requestId === 'batch:2')).toMatchObject({
      target: { kind: 'entity', entity: 'lead', id: String(b) },
      data: { version: 1, fields: ['name'] },
    });
  });

  it('answers which keys were applied: the first write under each, narrowed to an action when asked', async () => {
    const [parent, child] = [new ObjectId(), new ObjectId()];
    await audit.appendRecord({ actor, action: 'record.restore', entity: 'account', recordId: parent, requestId: 'step:9' });
    await audit.appendRecord({ actor, action: 'record.restore', entity: 'contact', recordId: child, requestId: 'step:9' });
    await audit.appendRecord({ actor, action: 'record.update', entity: 'account', recordId: parent, requestId: 'row:3' });
    const applied = await audit.applied(['step:9', 'row:3', 'never']);
    expect(Object.fromEntries(applied)).toEqual({
      'step:9': { action: 'record.restore', recordId: String(parent) },
      'row:3': { action: 'record.update', recordId: String(parent) },
    });
    expect((await audit.applied(['row:3'], { action: 'record.create' })).size).toBe(0);
    expect((await audit.applied([])).size).toBe(0);
  });
});

/** Every file under server/src, but tests. */
function sources(dir = 'server/src'): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the record trail contract', () => {
  const files = sources().map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));

  it('has one writer of the audit log: only AuditLog (and the index set-up) names its collection', () => {
    const allowed = new Set(['server/src/audit/audit-log.ts', 'server/src/audit/record-trail.ts', 'server/src/records/record-indexes.ts']);
    const naming = files.filter(({ text }) => /\bAUDIT_LOG\b|\bAUDIT\b|'audit_log'/.test(text)).map(({ file }) => file);
    expect(naming.filter((file) => !allowed.has(file))).toEqual([]);
  });

  it('declares the outbox event and the trail collections once', () => {
    expect(files.filter(({ text }) => /interface OutboxEvent\b/.test(text)).map(({ file }) => file)).toEqual([
      'server/src/audit/record-trail.ts',
    ]);
    for (const name of ["'outbox'", "'record_revisions'", "'audit_log'"]) {
      expect(
        files.filter(({ text }) => text.includes(name)).map(({ file }) => file),
        name,
      ).toEqual(['server/src/audit/record-trail.ts']);
    }
  });

  it('has one lookup of applied keys: nobody else reads the audit log by request id', () => {
    expect(files.filter(({ text }) => /requestId: \{ \$in|findOne\(\{ requestId/.test(text)).map(({ file }) => file)).toEqual([]);
  });
});
