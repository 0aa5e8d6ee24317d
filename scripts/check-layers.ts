/**
 * `npm run lint:layers`: fails on every import that runs upward (or sideways between
 * siblings) in the layer orders of scripts/layers.ts, naming the file and the import.
 * Type-only imports count too: a type couples the layers as much as a value does.
 */
import { parseDependencyTree } from 'dpdm';
import { findLayerViolations, orderProblems } from './layer-rules.js';
import { LAYER_ORDERS } from './layers.js';

const entries = [
  'server/src/**/*.ts',
  'metadata/src/**/*.ts',
  'metadata/apps/**/*.ts',
  'plugins/*/src/**/*.ts',
  'designer/src/**/*.{ts,tsx}',
  'runtime-ui/src/**/*.{ts,tsx}',
  'runtime-ui/kit/src/**/*.{ts,tsx}',
];
const tree = await parseDependencyTree(entries, { skipDynamicImports: false, transform: false, exclude: /node_modules/ });
const problems = [...LAYER_ORDERS.flatMap(orderProblems), ...findLayerViolations(tree, LAYER_ORDERS).map((v) => v.message)];
if (problems.length > 0) {
  console.error(
    `Imports against the layer order (${problems.length}; the order is in scripts/layers.ts):\n${problems.map((p) => `  ${p}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(`No upward imports among ${Object.keys(tree).length} files.`);
