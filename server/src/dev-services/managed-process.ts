import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ManagedProcessOptions {
  /** Short name used in messages and file names, e.g. `secantus`. */
  name: string;
  command: string;
  args: string[];
  /** Folder for `<name>.log` and `<name>.pid`. */
  runDir: string;
  /** Resolves true once the process answers; polled until `startTimeoutMs`. */
  ready: () => Promise<boolean>;
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** The part of a pino logger that supervision writes to. */
export interface SupervisionLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SuperviseOptions {
  logger: SupervisionLogger;
  /** Waits before successive restarts; the last one repeats. */
  backoffMs?: readonly number[];
  /** A child that ran this long before it exited starts the backoff over. */
  stableMs?: number;
}

const DEFAULT_BACKOFF_MS = [250, 1000, 2000, 5000, 10_000, 30_000] as const;

/** How a child ended: its exit code, or the signal that ended it. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A child server process (database, redis) that the launcher owns: started with its
 * output in a log file, waited on until it answers, and stopped with SIGTERM (then
 * SIGKILL). A pid file lets the next start clean up a server orphaned by a crash.
 *
 * The child runs in a process group of its own: a signal sent to the launcher's group
 * (Ctrl-C in a terminal, `kill -TERM -<pgid>`) reaches the launcher only, which stops
 * the child after the requests that need it have drained. Under `supervise`, a child
 * that exits by itself is restarted with backoff on the same port, and its exit and
 * the last lines of its output are logged.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;
  private supervision: SuperviseOptions | undefined;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private runningSince = 0;
  /** How many times supervision restarted the child. */
  restarts = 0;

  constructor(readonly options: ManagedProcessOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logFile(): string {
    return path.join(this.options.runDir, `${this.options.name}.log`);
  }

  private get pidFile(): string {
    return path.join(this.options.runDir, `${this.options.name}.pid`);
  }

  /** Restarts the child whenever it exits by itself, until `stop`. Call once, after `start`. */
  supervise(options: SuperviseOptions): void {
    this.supervision = options;
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.launch();
  }

  private async launch(): Promise<void> {
    const { name, command, args, runDir } = this.options;
    fs.mkdirSync(runDir, { recursive: true });
    await killOrphan(this.pidFile, command);
    // A stop while a restart was cleaning up: spawning now would leave a child behind.
    if (this.stopping) throw new Error(`${name} was stopped while it restarted`);
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(command, args, {
      stdio: ['ignore', log, log],
      env: this.options.env ?? process.env,
      detached: true,
    });
    fs.closeSync(log);
    this.child = child;
    holdUntilExit(child);
    let exit: ExitInfo | string | undefined;
    let ready = false;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        fs.rmSync(this.pidFile, { force: true });
        resolve();
        if (ready && this.child === child) this.exitedByItself({ code, signal });
      });
      child.once('error', (err) => {
        exit = err.message;
        resolve();
      });
    });
    if (child.pid) fs.writeFileSync(this.pidFile, String(child.pid));

    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exit !== undefined) {
        throw new Error(`${name} exited during start (${describeExit(exit)}); see ${this.logFile}:\n${tail(this.logFile)}`);
      }
      if (await this.options.ready().catch(() => false)) {
        ready = true;
        this.runningSince = Date.now();
        return;
      }
      await sleep(100);
    }
    await this.terminate(child, 10_000);
    throw new Error(`${name} did not answer within ${timeoutMs} ms; see ${this.logFile}`);
  }

  /** A child that was serving exited and nobody asked it to: log it and restart it. */
  private exitedByItself(exit: ExitInfo): void {
    const supervision = this.supervision;
    if (!supervision || this.stopping) return;
    if (Date.now() - this.runningSince >= (supervision.stableMs ?? 60_000)) this.failures = 0;
    supervision.logger.error(
      { process: this.options.name, exitCode: exit.code, signal: exit.signal, lastOutput: tail(this.logFile), log: this.logFile },
      `${this.options.name} exited by itself; restarting it`,
    );
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const backoff = this.supervision?.backoffMs ?? DEFAULT_BACKOFF_MS;
    const delayMs = backoff[Math.min(this.failures, backoff.length - 1)] ?? 1000;
    this.failures++;
    this.restartTimer = setTimeout(() => void this.restart(delayMs), delayMs);
  }

  private async restart(delayMs: number): Promise<void> {
    this.restartTimer = undefined;
    if (this.stopping) return;
    const logger = this.supervision!.logger;
    try {
      await this.launch();
      this.restarts++;
      logger.warn(
        { process: this.options.name, pid: this.pid, afterMs: delayMs, restarts: this.restarts },
        `${this.options.name} restarted`,
      );
    } catch (err) {
      if (this.stopping) return;
      logger.error({ process: this.options.name, err: (err as Error).message }, `${this.options.name} did not restart; trying again`);
      this.scheduleRestart();
    }
  }

  /** Stops the process (and its supervision): SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    await this.terminate(child, graceMs);
  }

  private async terminate(child: ChildProcess, graceMs: number): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([this.exited!.then(() => true), sleep(graceMs).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Kills the process at once, as a crash would. For failure tests; supervision, if on, restarts it. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await this.exited;
  }
}

/** The children running now: whatever way the launcher exits, they do not outlive it. */
const running = new Set<ChildProcess>();

/**
 * Tracks a child until it exits. If the launcher exits first (a second Ctrl-C, an
 * uncaught error, `process.exit` anywhere), its `exit` hook sends each child still
 * running SIGTERM: the servers shut down cleanly by themselves (commits are durable
 * with --sync-on-commit) instead of living on detached, holding their ports and data.
 */
function holdUntilExit(child: ChildProcess): void {
  if (running.size === 0) process.once('exit', terminateRunning);
  running.add(child);
  child.once('exit', () => {
    running.delete(child);
    if (running.size === 0) process.off('exit', terminateRunning);
  });
}

function terminateRunning(): void {
  for (const child of running) child.kill('SIGTERM');
}

function describeExit(exit: ExitInfo | string): string {
  if (typeof exit === 'string') return exit;
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** The last `lines` lines of a log file, read from its last 16 KB only (logs grow). */
function tail(file: string, lines = 20): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 16 * 1024);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Kills a server left running by a launcher that died without stopping it. */
async function killOrphan(pidFile: string, command: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  fs.rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not running any more
  }
  if (!cmdline.includes(path.basename(command))) return; // the pid was reused by something else
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`); i++) await sleep(100);
  if (fs.existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
}
