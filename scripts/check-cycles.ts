/**
 * Fails when any import cycle exists among the TypeScript sources. Cycles make module
 * initialisation order matter and blur which layer depends on which. This checks files;
 * check-layers.ts checks the order of folders (scripts/layers.ts).
 */
import { parseDependencyTree, parseCircular, prettyCircular } from 'dpdm';

const entries = [
  'server/src/**/*.ts',
  'metadata/src/**/*.ts',
  'plugins/*/src/**/*.ts',
  'designer/src/**/*.{ts,tsx}',
  'runtime-ui/src/**/*.{ts,tsx}',
  'runtime-ui/kit/src/**/*.{ts,tsx}',
];
const tree = await parseDependencyTree(entries, { skipDynamicImports: false, transform: true, exclude: /node_modules/ });
const cycles = parseCircular(tree);
const files = Object.keys(tree).length;
if (cycles.length > 0) {
  console.error(`Import cycles found (${cycles.length}):\n${prettyCircular(cycles)}`);
  process.exit(1);
}
console.log(`No import cycles among ${files} files.`);
