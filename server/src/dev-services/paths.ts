import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../version.js';

/** The repository root, where the workspace's package.json is. */
export const repoRoot = packageRoot;

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
