import type { Measurement } from '../lib/measure.js';
import { fmt, renderTable, type Column } from '../lib/report.js';

/** The goal of issue #5: the engine adds at most this share of the bare driver's time per request. */
export const GOAL_PERCENT = 25;

/**
 * Who ran an operation: the engine as the system actor or as the rep, the bare driver
 * making the same round trips as each, or the HTTP API.
 */
export type Path = 'driver' | 'engine' | 'driver as rep' | 'engine as rep' | 'http';

/** The baseline each engine path is compared with. */
const BASELINE: Partial<Record<Path, Path>> = { engine: 'driver', 'engine as rep': 'driver as rep' };

/** One measured row. */
export interface Row {
  op: string;
  path: Path;
  m: Measurement;
}

/**
 * The engine's own cost for one operation, from sequential runs: what it adds to the
 * client's CPU time per operation over the bare driver making the same round trips.
 */
export interface Overhead {
  op: string;
  path: Path;
  /** The driver path it is compared with. */
  baseline: Path;
  driverMeanMs: number;
  driverCpuMs: number;
  engineCpuMs: number;
  /** Engine CPU per operation minus the driver's: the engine's added time per request. */
  addedMs: number;
  /**
   * How far addedMs may be off: twice the standard error of the added time over the
   * rounds both took turns in (about a 95% interval); null with fewer than 3 rounds.
   */
  uncertaintyMs: number | null;
  /** addedMs as a percentage of the driver's mean latency: the figure the goal is about. */
  ofDriverLatency: number;
  /** addedMs as a percentage of the driver's own CPU per operation. */
  ofDriverCpu: number;
  /** Engine mean latency minus the driver's: the wall-clock cross-check of addedMs. */
  latencyDeltaMs: number;
  /** The lowest driver latency at which addedMs would still meet the goal (addedMs / 25%). */
  goalHoldsDownToMs: number;
  /** The goal, against this server. */
  met: boolean;
  /**
   * The goal against a server that answered at once: the driver's latency would shrink
   * to about its own CPU time, so the goal figure would become ofDriverCpu. The worst case.
   */
  metIfServerInstant: boolean;
}

/** Twice the standard error of the per-round differences between two interleaved measurements. */
function uncertainty(engine: Measurement, driver: Measurement): number | null {
  const a = engine.cpuPerOpByRound ?? [];
  const b = driver.cpuPerOpByRound ?? [];
  const diffs = a.flatMap((x, i) => (x !== null && b[i] != null ? [x - b[i]!] : []));
  if (diffs.length < 3) return null;
  const mean = diffs.reduce((sum, d) => sum + d, 0) / diffs.length;
  const variance = diffs.reduce((sum, d) => sum + (d - mean) ** 2, 0) / (diffs.length - 1);
  return 2 * Math.sqrt(variance / diffs.length);
}

const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

/** The overhead of each sequential engine row (system actor and rep) over the sequential driver row of its operation. */
export function overheads(rows: readonly Row[]): Overhead[] {
  const out: Overhead[] = [];
  for (const row of rows) {
    const baseline = BASELINE[row.path];
    if (row.m.concurrency !== 1 || !baseline) continue;
    const driver = rows.find((r) => r.op === row.op && r.path === baseline && r.m.concurrency === 1);
    if (!driver || driver.m.iterations === 0) continue;
    const added = row.m.cpuPerOp - driver.m.cpuPerOp;
    const ofLatency = driver.m.mean > 0 ? (added / driver.m.mean) * 100 : 0;
    out.push({
      op: row.op,
      path: row.path,
      baseline,
      driverMeanMs: driver.m.mean,
      driverCpuMs: driver.m.cpuPerOp,
      engineCpuMs: row.m.cpuPerOp,
      addedMs: round(added, 4),
      uncertaintyMs: ((u) => (u === null ? null : round(u, 4)))(uncertainty(row.m, driver.m)),
      ofDriverLatency: round(ofLatency, 1),
      ofDriverCpu: round(driver.m.cpuPerOp > 0 ? (added / driver.m.cpuPerOp) * 100 : 0, 1),
      latencyDeltaMs: round(row.m.mean - driver.m.mean),
      goalHoldsDownToMs: round(Math.max(0, added) / (GOAL_PERCENT / 100)),
      met: ofLatency <= GOAL_PERCENT,
      metIfServerInstant: added <= (GOAL_PERCENT / 100) * driver.m.cpuPerOp,
    });
  }
  return out;
}

/** Every measurement: latency, throughput and the client's CPU time per operation. */
export function rowsTable(rows: readonly Row[]): string {
  const columns: Column[] = [
    { header: 'operation' },
    { header: 'path' },
    { header: 'conc', numeric: true },
    { header: 'iterations', numeric: true },
    { header: 'ops/s', numeric: true },
    { header: 'mean ms', numeric: true },
    { header: 'p50 ms', numeric: true },
    { header: 'p95 ms', numeric: true },
    { header: 'p99 ms', numeric: true },
    { header: 'cpu/op ms', numeric: true },
  ];
  const cells = rows.map(({ op, path, m }) => [
    op,
    path,
    String(m.concurrency),
    fmt(m.iterations, 0),
    fmt(m.opsPerSec, 1),
    fmt(m.mean),
    fmt(m.p50),
    fmt(m.p95),
    fmt(m.p99),
    fmt(m.cpuPerOp, 3),
  ]);
  return renderTable(columns, cells);
}

/** The engine's overhead per operation, and whether it meets the goal. */
export function overheadTable(list: readonly Overhead[]): string {
  const columns: Column[] = [
    { header: 'operation' },
    { header: 'compared' },
    { header: 'driver mean ms', numeric: true },
    { header: 'driver cpu ms', numeric: true },
    { header: 'engine cpu ms', numeric: true },
    { header: 'added ms', numeric: true },
    { header: '±', numeric: true },
    { header: '% of driver latency', numeric: true },
    { header: '% of driver cpu', numeric: true },
    { header: 'goal holds to', numeric: true },
    { header: `goal ≤${GOAL_PERCENT}%` },
  ];
  const cells = list.map((o) => [
    o.op,
    `${o.path} / ${o.baseline}`,
    fmt(o.driverMeanMs),
    fmt(o.driverCpuMs, 3),
    fmt(o.engineCpuMs, 3),
    fmt(o.addedMs, 3),
    o.uncertaintyMs === null ? '-' : fmt(o.uncertaintyMs, 3),
    `${fmt(o.ofDriverLatency, 1)}%`,
    `${fmt(o.ofDriverCpu, 0)}%`,
    `${fmt(o.goalHoldsDownToMs)} ms`,
    o.met ? 'met' : 'NOT met',
  ]);
  return renderTable(columns, cells);
}

/** What the overhead columns mean, and the verdict on the goal for the system actor's four operations. */
export function goalStatement(list: readonly Overhead[]): string {
  const engine = list.filter((o) => o.path === 'engine');
  const verdict = (met: (o: Overhead) => boolean): string => {
    const missed = engine.filter((o) => !met(o)).map((o) => o.op);
    return engine.length === 0
      ? 'not measured'
      : missed.length === 0
        ? `MET for all ${engine.length} operations`
        : `NOT met for ${missed.join(', ')}`;
  };
  return [
    `Goal (issue #5): the engine adds no more than ${GOAL_PERCENT}% over the bare driver. The figure it refers to is "% of driver latency":`,
    `the engine's added time per request ("added ms" = engine CPU per op - driver CPU per op, one in flight, same round trips,`,
    `taking turns) relative to the bare driver's time per request (its mean latency). "±" is about a 95% interval of "added ms".`,
    `  Against this server: ${verdict((o) => o.met)} (system actor).`,
    `  Against a server that answered at once (the driver's latency shrinks to its own CPU time, "% of driver cpu"; the worst case):`,
    `  ${verdict((o) => o.metIfServerInstant)}.`,
    `"goal holds to" is the driver latency below which the same added time would exceed ${GOAL_PERCENT}%: compare it with your server's.`,
    `CPU times include what contention costs on a busy machine; the load average above says how busy this one was.`,
  ].join('\n');
}
