import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this module whose package.json is the
 * workspace's. Found, not counted from this file's depth, because the same code runs
 * from server/src (tsx) and from the server/dist bundle.
 */
export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces !== undefined)
      return dir;
    if (path.dirname(dir) === dir) throw new Error(`no workspace package.json above ${from}`);
  }
}

/** The platform version, from the root package.json. */
export const PLATFORM_VERSION: string = (JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string })
  .version;
