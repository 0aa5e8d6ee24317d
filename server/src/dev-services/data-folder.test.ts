import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseEmbeddedDb, dataFolderOwner, OWNER_FILE, recordDataFolderOwner } from './data-folder.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A storage folder: missing, empty, holding files of an unnamed (pre-marker) server, or marked. */
function folder(kind: 'missing' | 'empty' | 'legacy' | 'python' | 'rust'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-data-folder-'));
  made.push(root);
  const db = path.join(root, 'db');
  if (kind === 'missing') return db;
  fs.mkdirSync(db);
  if (kind === 'legacy') fs.writeFileSync(path.join(db, 'WiredTiger'), 'WiredTiger\n');
  if (kind === 'python' || kind === 'rust') {
    fs.writeFileSync(path.join(db, 'WiredTiger'), 'WiredTiger\n');
    recordDataFolderOwner(db, kind);
  }
  return db;
}

describe('chooseEmbeddedDb', () => {
  it.each([
    // requested, folder, rust built, chosen
    [undefined, 'missing', true, 'rust'],
    [undefined, 'empty', true, 'rust'],
    [undefined, 'missing', false, 'python'],
    [undefined, 'legacy', true, 'python'],
    [undefined, 'python', true, 'python'],
    [undefined, 'rust', true, 'rust'],
    ['python', 'missing', true, 'python'],
    ['rust', 'rust', true, 'rust'],
    ['python', 'legacy', true, 'python'],
  ] as const)('EMBEDDED_DB=%s on a %s folder (rust built: %s) runs %s', (requested, kind, built, chosen) => {
    expect(chooseEmbeddedDb(requested, folder(kind), built)).toBe(chosen);
  });

  it.each([
    ['rust', 'python', 'secantusd-py', 'EMBEDDED_DB=python'],
    ['rust', 'legacy', 'secantusd-py', 'EMBEDDED_DB=python'],
    ['python', 'rust', 'secantusd-rs', 'EMBEDDED_DB=rust'],
  ] as const)(
    'refuses EMBEDDED_DB=%s on a folder the other server wrote (%s), naming it and the way out',
    (requested, kind, writer, hint) => {
      const dir = folder(kind);
      expect(() => chooseEmbeddedDb(requested, dir, true)).toThrow(new RegExp(`${dir}.*written by ${writer}.*${hint}.*DATA_DIR`));
    },
  );

  it('marks a folder once and keeps the first owner', () => {
    const dir = folder('empty');
    recordDataFolderOwner(dir, 'rust');
    recordDataFolderOwner(dir, 'python');
    expect(dataFolderOwner(dir)).toBe('rust');
    expect(JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8'))).toMatchObject({ server: 'rust' });
  });
});
