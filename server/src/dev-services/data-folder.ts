import fs from 'node:fs';
import path from 'node:path';
import type { EmbeddedDb } from '../config/config.js';
import { secantusRsBin } from './paths.js';

/**
 * The file in an embedded data folder that names the server which wrote it. The two
 * builds of SecantusDB lay out their WiredTiger tables differently (secantusd-rs adds
 * its own tables to a secantusd-py folder on open). Each reads a trivial folder of the
 * other, but no such switch is certified (indexes, unique keys, the oplog), so a start
 * refuses a folder written by the other server instead of risking the data.
 */
export const OWNER_FILE = 'metacrm-embedded-db.json';

const LABEL: Record<EmbeddedDb, string> = { python: 'secantusd-py', rust: 'secantusd-rs' };

/**
 * Which server wrote the data folder: from its marker; a folder with data but no
 * marker predates the Rust server, so the Python one wrote it. Undefined for a
 * missing or empty folder.
 */
export function dataFolderOwner(storagePath: string): EmbeddedDb | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync(storagePath);
  } catch {
    return undefined;
  }
  if (entries.includes(OWNER_FILE)) {
    const marker = JSON.parse(fs.readFileSync(path.join(storagePath, OWNER_FILE), 'utf8')) as { server?: unknown };
    if (marker.server === 'python' || marker.server === 'rust') return marker.server;
    throw new Error(
      `${path.join(storagePath, OWNER_FILE)} names no known server (${JSON.stringify(marker.server)}); remove it if the folder is empty.`,
    );
  }
  return entries.length === 0 ? undefined : 'python';
}

/** Writes the marker once a server has started on the folder. */
export function recordDataFolderOwner(storagePath: string, server: EmbeddedDb): void {
  const file = path.join(storagePath, OWNER_FILE);
  if (fs.existsSync(file)) return;
  fs.writeFileSync(file, `${JSON.stringify({ server, since: new Date().toISOString() })}\n`);
}

/**
 * The server to run on `storagePath`. Asked for (EMBEDDED_DB): that one, refused when the
 * folder holds the other's data. Not asked for: the one that wrote the folder, else the
 * Rust server where `npm run setup` built it, else the Python one.
 */
export function chooseEmbeddedDb(
  requested: EmbeddedDb | undefined,
  storagePath: string,
  rustBuilt = fs.existsSync(secantusRsBin),
): EmbeddedDb {
  const owner = dataFolderOwner(storagePath);
  if (requested !== undefined && owner !== undefined && owner !== requested) {
    throw new Error(
      `The embedded data folder ${storagePath} was written by ${LABEL[owner]}, but EMBEDDED_DB=${requested} asks for ${LABEL[requested]}. ` +
        `The two servers lay out their files differently, and running one on the other's folder is not supported. ` +
        `Start with EMBEDDED_DB=${owner} to use this data, or set DATA_DIR to another folder to start ${LABEL[requested]} empty.`,
    );
  }
  return requested ?? owner ?? (rustBuilt ? 'rust' : 'python');
}
