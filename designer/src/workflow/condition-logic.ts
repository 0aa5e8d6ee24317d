/** A comparison the condition builder shows as one row: a scope value, an operator, and what it is compared with. */
export interface Comparison {
  path: string;
  op: ComparisonOp;
  /** Absent for `empty` and `filled`. */
  value?: unknown;
}

export const COMPARISON_OPS = ['==', '!=', '>', '>=', '<', '<=', 'empty', 'filled', 'in'] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
const BINARY = new Set(['==', '!=', '>', '>=', '<', '<=']);

/** A condition as the builder shows it: comparisons joined by `and` or `or`. */
export interface BuiltCondition {
  join: 'and' | 'or';
  rows: Comparison[];
}

const isVar = (x: unknown): x is { var: string } =>
  typeof x === 'object' &&
  x !== null &&
  !Array.isArray(x) &&
  Object.keys(x).length === 1 &&
  typeof (x as { var?: unknown }).var === 'string';
const isPlain = (x: unknown) => x === null || ['string', 'number', 'boolean'].includes(typeof x);

function readComparison(logic: unknown): Comparison | undefined {
  if (typeof logic !== 'object' || logic === null || Array.isArray(logic)) return undefined;
  const entries = Object.entries(logic);
  if (entries.length !== 1) return undefined;
  const [op, args] = entries[0]!;
  if (op === '!' && isVar(args)) return { path: args.var, op: 'empty' };
  if (op === '!!' && isVar(args)) return { path: args.var, op: 'filled' };
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  if (op === 'in' && isPlain(args[0]) && isVar(args[1])) return { path: args[1].var, op: 'in', value: args[0] };
  if (BINARY.has(op) && isVar(args[0]) && isPlain(args[1])) return { path: args[0].var, op: op as ComparisonOp, value: args[1] };
  return undefined;
}

/** The builder's view of json-logic; undefined when the logic says more than comparisons joined one way (then it is edited as JSON). */
export function readCondition(logic: unknown): BuiltCondition | undefined {
  if (logic === null || logic === undefined) return { join: 'and', rows: [] };
  const one = readComparison(logic);
  if (one) return { join: 'and', rows: [one] };
  const [op, args] = Object.entries(logic as object)[0] ?? [];
  if ((op === 'and' || op === 'or') && Array.isArray(args) && Object.keys(logic as object).length === 1) {
    const rows = args.map(readComparison);
    if (rows.every((r): r is Comparison => r !== undefined)) return { join: op, rows };
  }
  return undefined;
}

function writeComparison(row: Comparison): unknown {
  const v = { var: row.path };
  if (row.op === 'empty') return { '!': v };
  if (row.op === 'filled') return { '!!': v };
  if (row.op === 'in') return { in: [row.value ?? '', v] };
  return { [row.op]: [v, row.value ?? null] };
}

/** json-logic for the builder's rows; null when there are none (the condition is not set). */
export function writeCondition(built: BuiltCondition): unknown {
  const rows = built.rows.filter((r) => r.path !== '');
  if (rows.length === 0) return null;
  if (rows.length === 1) return writeComparison(rows[0]!);
  return { [built.join]: rows.map(writeComparison) };
}

/** Typed text as a value: a number for a numeric field (when it reads as one), true/false for a boolean, else the text. */
export function typedValue(text: string, numeric: boolean, boolean: boolean): unknown {
  const trimmed = text.trim();
  if (numeric && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (boolean && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  return text;
}
