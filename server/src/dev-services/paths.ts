import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';

/**
 * The repository root: the nearest folder above this module whose package.json is the
 * workspace's (this module runs from server/src under tsx, or from the server/dist bundle).
 */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces !== undefined) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no workspace package.json above ${from}`);
  }
}

/** The project-local Python virtual environment made by `npm run setup`. */
export const venvDir = path.join(repoRoot, '.venv');

/** SecantusDB's Python server launcher inside the project virtual environment. */
export const secantusBin = path.join(venvDir, 'bin', 'secantusd-py');

/** The version of crate `secantus-mdb` that `npm run setup` builds (kept in step with scripts/setup.sh). */
export const SECANTUS_RS_VERSION = '0.5.3-beta.196';

/**
 * SecantusDB's Rust server, built by `npm run setup` with `cargo install --root` into a
 * cache outside the checkout, keyed by its version so every checkout on the machine
 * shares one build.
 */
export const secantusRsBin = path.join(os.homedir(), '.cache', 'metacrm', `secantus-mdb-${SECANTUS_RS_VERSION}`, 'bin', 'secantusd-rs');
