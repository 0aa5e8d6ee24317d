import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { apiClient, signIn } from '../helpers/http.js';
import { TEST_ADMIN } from '../helpers/platform.js';
import { spawnPlatform, type PlatformProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Through the platform, as `npm start` runs it: 8 clients create records while the
 * embedded database is killed with SIGKILL. Supervision restarts it; every create the
 * API acknowledged (201) is there afterwards, with its audit entry and event, because
 * the server runs with --sync-on-commit. Runs on the build EMBEDDED_DB names (the
 * default: secantusd-rs where setup built it).
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-store-kill-'));
let platform: PlatformProcess | undefined;

afterAll(async () => {
  await platform?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 of the embedded database under write load', () => {
  it('loses no acknowledged write', async () => {
    platform = await spawnPlatform('all', { MONGODB_URL: '', REDIS_URL: '', DATA_DIR: dataDir });
    const running = platform
      .output()
      .split('\n')
      .find((l) => l.includes('"metacrm is running"'))!;
    const mongoUrl = (JSON.parse(running) as { mongo: string }).mongo;
    const api = apiClient(platform.url, { token: (await signIn(platform.url, TEST_ADMIN.email, TEST_ADMIN.password)).token });
    for (const kind of ['entities', 'rules'] as const)
      for (const item of salesBundle()[kind]) await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
    expect((await api.post('/api/meta/publish')).status).toBe(200);

    const acknowledged: string[] = [];
    const failures = new Map<number, number>();
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const res = await api
          .post<{ id: string }>('/api/records/account', { name: `Load ${w}-${i}`, code: `K-${w}-${i}` })
          .catch(() => ({ status: 0, body: { id: '' } }));
        if (res.status === 201) acknowledged.push(res.body.id);
        else failures.set(res.status, (failures.get(res.status) ?? 0) + 1);
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    try {
      await waitFor('100 acknowledged creates', () => (acknowledged.length >= 100 ? true : undefined), { timeoutMs: 120_000 });
      const killedAt = acknowledged.length;
      process.kill(Number(fs.readFileSync(path.join(dataDir, 'run', 'secantus.pid'), 'utf8')), 'SIGKILL');
      await waitFor('the database restarted', () => (platform!.output().includes('"secantus restarted"') ? true : undefined), {
        timeoutMs: 90_000,
      });
      await waitFor('50 more acknowledged creates', () => (acknowledged.length >= killedAt + 50 ? true : undefined), {
        timeoutMs: 120_000,
      });
    } finally {
      stop = true;
      await Promise.all(writers);
    }

    const client = await new MongoClient(mongoUrl).connect();
    try {
      const db = client.db('metacrm');
      const ids = acknowledged.map((id) => new ObjectId(id));
      expect(await db.collection('rec_account').countDocuments({ _id: { $in: ids } })).toBe(ids.length);
      expect(await db.collection('audit_log').countDocuments({ recordId: { $in: ids }, action: 'record.create' })).toBe(ids.length);
      expect(await db.collection('outbox').countDocuments({ recordId: { $in: ids }, type: 'record.create' })).toBe(ids.length);
    } finally {
      await client.close();
    }
    console.warn(
      `store kill: ${acknowledged.length} creates acknowledged and found; refused or failed while down: ${JSON.stringify(Object.fromEntries(failures))}`,
    );
  }, 400_000);
});
