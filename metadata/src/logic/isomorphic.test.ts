import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The evaluator runs in runtime-ui's forms too, so it and everything it imports must do
// without Node: no node: modules, no process, no Buffer.
const logicDir = import.meta.dirname;
const ENTRIES = ['evaluate.ts', 'operations.ts'];
const PACKAGES_ALLOWED = ['decimal.js', 'json-logic-js'];

/** Every source file reachable from the entries through relative imports, with the bare specifiers they import. */
function importGraph(): { files: string[]; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = fs.readFileSync(file, 'utf8');
    for (const [, specifier] of source.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)) {
      if (specifier!.startsWith('.')) visit(path.resolve(path.dirname(file), specifier!.replace(/\.js$/, '.ts')));
      else packages.add(specifier!);
    }
  };
  for (const entry of ENTRIES) visit(path.join(logicDir, entry));
  return { files: [...files], packages };
}

describe('the evaluator without Node', () => {
  it('imports only browser-safe packages', () => {
    const { files, packages } = importGraph();
    expect(files.length).toBeGreaterThan(8);
    expect([...packages].sort()).toEqual(PACKAGES_ALLOWED);
  });

  it('uses no Node globals', () => {
    const nodeOnly = /(?<![.\w$])(process|Buffer|__dirname|setImmediate)\b|\brequire\(\s*['"]/;
    const code = (file: string) => fs.readFileSync(file, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    const offending = importGraph().files.filter((file) => nodeOnly.test(code(file)));
    expect(offending).toEqual([]);
  });

  it('evaluates in a bare JavaScript context with no Node globals at all', async () => {
    const bundle = await build({
      stdin: {
        contents:
          "export { evaluateLogic, LogicError } from './evaluate.ts';\nexport { createLogicOperationRegistry } from './operations.ts';",
        resolveDir: logicDir,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'logic',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
    });
    const context = vm.createContext({});
    vm.runInContext(bundle.outputFiles[0]!.text, context);
    const results = vm.runInContext(
      `const ops = logic.createLogicOperationRegistry();
       const run = (expr, data) => { try { return logic.evaluateLogic(expr, data, ops); } catch (e) { return e instanceof logic.LogicError ? e.code : String(e); } };
       JSON.stringify([
         typeof process, typeof Buffer, typeof require,
         run({ '+': [0.1, 0.2] }, {}),
         run({ date_add: [{ var: '$today' }, 1, 'month'] }, { $today: '2026-01-31' }),
         run({ upper: { var: 'name.first' } }, { name: { first: 'anna' } }),
         run({ var: 'name.constructor' }, { name: 'x' }),
         run({ method: ['x', 'toString'] }, {}),
       ])`,
      context,
    ) as string;
    expect(JSON.parse(results)).toEqual(['undefined', 'undefined', 'undefined', '0.3', '2026-02-28', 'ANNA', null, 'LOGIC_NOT_ALLOWED']);
  });
});
