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

/**
 * A child server process (database, redis) that the launcher owns: started with its
 * output in a log file, waited on until it answers, and stopped with SIGTERM (then
 * SIGKILL). A pid file lets the next start clean up a server orphaned by a crash.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

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

  async start(): Promise<void> {
    const { name, command, args, runDir } = this.options;
    fs.mkdirSync(runDir, { recursive: true });
    await killOrphan(this.pidFile, command);
    const log = fs.openSync(this.logFile, 'a');
    const child = spawn(command, args, {
      stdio: ['ignore', log, log],
      env: this.options.env ?? process.env,
    });
    fs.closeSync(log);
    this.child = child;
    let exitInfo: string | undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = signal ? `signal ${signal}` : `code ${code}`;
        fs.rmSync(this.pidFile, { force: true });
        resolve();
      });
      child.once('error', (err) => {
        exitInfo = err.message;
        resolve();
      });
    });
    if (child.pid) fs.writeFileSync(this.pidFile, String(child.pid));

    const deadline = Date.now() + (this.options.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (exitInfo !== undefined) {
        throw new Error(`${name} exited during start (${exitInfo}); see ${this.logFile}:\n${tail(this.logFile)}`);
      }
      if (await this.options.ready().catch(() => false)) return;
      await sleep(100);
    }
    await this.stop();
    throw new Error(`${name} did not answer within ${this.options.startTimeoutMs ?? 60_000} ms; see ${this.logFile}`);
  }

  /** Stops the process: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([this.exited!.then(() => true), sleep(graceMs).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Kills the process at once, as a crash would. For failure tests. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await this.exited;
  }
}

function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
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
