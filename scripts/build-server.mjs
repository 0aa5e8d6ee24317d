#!/usr/bin/env node
/**
 * Compiles the server (with the workspace packages it uses) into one ES module,
 * server/dist/main.js, so `npm start` runs JavaScript instead of compiling TypeScript
 * at load. npm packages stay outside the bundle and load from node_modules.
 *
 *   node scripts/build-server.mjs             build
 *   node scripts/build-server.mjs --if-stale  build only when a source is newer than the bundle
 *
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = path.join(root, 'server', 'dist', 'main.js');
const SOURCES = ['server/src', 'metadata/src', 'plugins', 'package.json', 'server/package.json', 'metadata/package.json'];

/** The newest modification time under the sources (tests and node_modules left out). */
function newestSource() {
  let newest = 0;
  const visit = (file) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(file)) if (entry !== 'node_modules' && entry !== 'dist') visit(path.join(file, entry));
    } else if (!file.endsWith('.test.ts')) newest = Math.max(newest, stat.mtimeMs);
  };
  for (const source of SOURCES) visit(path.join(root, source));
  return newest;
}

/** npm packages load from node_modules at run time; the workspace's own (@metacrm/*) are compiled in. */
const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@metacrm/') ? undefined : { path: args.path, external: true }));
  },
};

async function main() {
  const ifStale = process.argv.includes('--if-stale');
  const built = fs.statSync(outfile, { throwIfNoEntry: false });
  if (ifStale && built && built.mtimeMs >= newestSource()) return;
  const started = Date.now();
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['server/src/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    outfile,
    write: false,
    logLevel: 'warning',
    plugins: [npmPackagesExternal],
  });
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  // Written aside and renamed, so that a process starting meanwhile never reads half a file.
  for (const file of result.outputFiles) {
    const temp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(temp, file.contents);
    fs.renameSync(temp, file.path);
  }
  const kib = Math.round(fs.statSync(outfile).size / 1024);
  console.error(`built ${path.relative(root, outfile)} (${kib} KiB) in ${Date.now() - started} ms`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
