import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Measurement } from './measure.js';

/** The machine a benchmark ran on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the benchmark started (others may share the machine). */
  loadAverage: number;
}

/** Describes this machine. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

/** A column of {@link renderTable}: text columns align left, numeric ones right. */
export interface Column {
  header: string;
  numeric?: boolean;
}

/** Renders rows as an aligned plain-text table with a header rule. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return c.numeric ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(columns.map((c) => c.header)), rule, ...rows.map(line)].join('\n');
}

/** A number with thousands separators and at most `digits` decimals. */
export function fmt(value: number, digits = 2): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The standard table of measurements: operation, concurrency, iterations, ops/s, p50, p95, p99 (ms). */
export function measurementTable(rows: readonly Measurement[]): string {
  const columns: Column[] = [
    { header: 'operation' },
    { header: 'conc', numeric: true },
    { header: 'iterations', numeric: true },
    { header: 'ops/s', numeric: true },
    { header: 'p50 ms', numeric: true },
    { header: 'p95 ms', numeric: true },
    { header: 'p99 ms', numeric: true },
  ];
  const cells = rows.map((m) => [
    m.name,
    String(m.concurrency),
    fmt(m.iterations, 0),
    fmt(m.opsPerSec, 1),
    fmt(m.p50),
    fmt(m.p95),
    fmt(m.p99),
  ]);
  return renderTable(columns, cells);
}

/** Where result files go: bench/results/ (git-ignored). */
export const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

/** Writes `data` as bench/results/<name>-<timestamp>.json and returns the path. */
export function writeResults(name: string, data: unknown, at = new Date()): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = at
    .toISOString()
    .replace(/[:]/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  const file = path.join(resultsDir, `${name}-${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
