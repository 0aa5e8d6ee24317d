/**
 * `npm run bench -- start`: the production process (compiled JavaScript, `npm start`)
 * beside the same code compiled at load by tsx (`npm run dev`): cold start to ready
 * for the API and the worker, their RSS at idle, and their RSS under 10 s of requests
 * from 10 connections. The store and Redis are started once, before any timing, so
 * the figures are the process's own ("ready within 2 s of the store being ready").
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openBenchStore } from './lib/bench-store.js';
import { BENCH_PROCESS_ADMIN as ADMIN, VARIANTS, rssMiB, startRole, stopProcess as stop, type Variant } from './lib/processes.js';
import { fmt, machineInfo, renderTable } from './lib/report.js';

/** 10 connections for `seconds`: sign-in checks and the user's metadata, the requests every screen makes. */
async function load(url: string, seconds: number, sample: () => void): Promise<number> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const { token } = (await login.json()) as { token: string };
  const headers = { Authorization: `Bearer ${token}` };
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const sampler = setInterval(sample, 200);
  await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      while (Date.now() < until) {
        const res = await fetch(`${url}${i % 2 === 0 ? '/api/auth/me' : '/api/me/metadata'}`, { headers });
        await res.arrayBuffer();
        if (res.ok) done += 1;
      }
    }),
  );
  clearInterval(sampler);
  return done / seconds;
}

export async function run(argv: string[]): Promise<void> {
  const rounds = Number(argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
  const machine = machineInfo();
  console.log(
    `bench start · commit ${process.env.GIT_COMMIT ?? 'working tree'} · load ${machine.loadAverage} on ${machine.cores} cores · ${machine.cpu}`,
  );
  const store = await openBenchStore('bench_start', { redis: true });
  try {
    const rows: string[][] = [];
    for (const variant of Object.keys(VARIANTS) as Variant[]) {
      const env = {
        MONGODB_URL: store.mongoUrl,
        REDIS_URL: store.redisUrl!,
        MONGODB_DATABASE: `${store.db.databaseName}_${variant}`,
        QUEUE_PREFIX: `${store.db.databaseName}_${variant}`,
      };
      const ready = { api: [] as number[], worker: [] as number[] };
      let idle = { api: 0, worker: 0 };
      let peak = { api: 0, worker: 0 };
      let rps = 0;
      for (let round = 0; round < rounds; round++) {
        const api = await startRole(variant, 'api', env);
        const worker = await startRole(variant, 'worker', env);
        ready.api.push(api.readyMs);
        ready.worker.push(worker.readyMs);
        if (round === rounds - 1) {
          await sleep(3000);
          idle = { api: rssMiB(api.child.pid!), worker: rssMiB(worker.child.pid!) };
          peak = { ...idle };
          rps = await load(api.url, 10, () => {
            peak = { api: Math.max(peak.api, rssMiB(api.child.pid!)), worker: Math.max(peak.worker, rssMiB(worker.child.pid!)) };
          });
        }
        await Promise.all([stop(api.child), stop(worker.child)]);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      rows.push([
        variant,
        fmt(median(ready.api), 0),
        fmt(median(ready.worker), 0),
        fmt(idle.api, 0),
        fmt(idle.worker, 0),
        fmt(peak.api, 0),
        fmt(peak.worker, 0),
        fmt(peak.api + peak.worker, 0),
        fmt(rps, 0),
      ]);
    }
    console.log(`\nCold start to ready (median of ${rounds}; the store and Redis already up) and RSS in MiB:\n`);
    console.log(
      renderTable(
        [
          { header: 'process' },
          { header: 'api ready ms', numeric: true },
          { header: 'worker ready ms', numeric: true },
          { header: 'api idle', numeric: true },
          { header: 'worker idle', numeric: true },
          { header: 'api load', numeric: true },
          { header: 'worker load', numeric: true },
          { header: 'both load', numeric: true },
          { header: 'req/s', numeric: true },
        ],
        rows,
      ),
    );
  } finally {
    await store.close();
  }
}
