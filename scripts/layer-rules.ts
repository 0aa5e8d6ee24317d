/**
 * The one-way layer rule, as a pure check over an import graph (dpdm's dependency tree).
 * `check-layers.ts` runs it on the repository with the order in `layers.ts`; the test in
 * test/platform/layers.test.ts runs it on a fixture, so the rule stays proven.
 */
import type { DependencyTree } from 'dpdm';

/**
 * An order of units, lowest first. A unit is a folder or a single file, named by its path
 * from the repository root. A unit may import from units in lower ranks only: never from
 * a higher rank, and never from another unit of its own rank (siblings stay independent).
 */
export interface LayerOrder {
  /** What the order governs, for messages ("server", "packages"). */
  name: string;
  /** Ranks from the lowest up; each rank lists the units that share it. */
  ranks: readonly (readonly string[])[];
  /**
   * Every file under this folder must belong to a unit, so a new folder cannot slip past
   * the rule by not being listed. Unset: files outside every unit are not governed.
   */
  complete?: string;
  /** Files the order does not govern (tests beside the code may reach for anything). */
  exempt?: RegExp;
}

/** One import that breaks an order. */
export interface LayerViolation {
  order: string;
  /** The importing file and the file it imports, from the repository root. */
  file: string;
  imported: string;
  /** The import specifier as written in the file. */
  request: string;
  message: string;
}

interface Placed {
  unit: string;
  rank: number;
}

function place(order: LayerOrder, file: string): Placed | undefined {
  for (const [rank, units] of order.ranks.entries()) {
    for (const unit of units) if (file === unit || file.startsWith(`${unit}/`)) return { unit, rank };
  }
  return undefined;
}

/** Each unit listed once, or the order itself is wrong. */
export function orderProblems(order: LayerOrder): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const unit of order.ranks.flat()) {
    if (seen.has(unit)) problems.push(`${order.name}: "${unit}" is listed twice`);
    seen.add(unit);
  }
  return problems;
}

function violation(
  order: LayerOrder,
  file: string,
  imported: string,
  request: string,
  from: Placed,
  to: Placed,
): LayerViolation | undefined {
  if (from.unit === to.unit || to.rank < from.rank) return undefined;
  const why =
    to.rank === from.rank
      ? `${to.unit} is beside ${from.unit} in the ${order.name} layer order, and siblings stay independent`
      : `${to.unit} is above ${from.unit} in the ${order.name} layer order`;
  return { order: order.name, file, imported, request, message: `${file} imports '${request}' (${imported}): ${why}` };
}

/**
 * Every import in `tree` that runs upward or sideways in one of the orders, and every
 * file under an order's `complete` folder that no unit holds. Imports of files outside
 * an order's units are the business of another order (or of none).
 */
export function findLayerViolations(tree: DependencyTree, orders: readonly LayerOrder[]): LayerViolation[] {
  const found: LayerViolation[] = [];
  for (const order of orders) {
    for (const [file, deps] of Object.entries(tree)) {
      if (order.exempt?.test(file)) continue;
      const from = place(order, file);
      if (!from) {
        if (order.complete !== undefined && file.startsWith(`${order.complete}/`)) {
          found.push({
            order: order.name,
            file,
            imported: file,
            request: '',
            message: `${file} is in no unit of the ${order.name} layer order: place it in scripts/layers.ts`,
          });
        }
        continue;
      }
      for (const dep of deps ?? []) {
        if (dep.id === null || dep.id.includes('node_modules/')) continue;
        const to = place(order, dep.id);
        const v = to && violation(order, file, dep.id, dep.request, from, to);
        if (v) found.push(v);
      }
    }
  }
  return found.sort((a, b) => a.file.localeCompare(b.file) || a.imported.localeCompare(b.imported));
}
