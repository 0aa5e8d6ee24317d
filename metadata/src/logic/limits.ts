import { LogicError } from './logic-error.js';

/**
 * Caps on the work one evaluation may do, beside the static LOGIC_LIMITS on the
 * expression's size. The per-value caps stop one operation from building something
 * huge; the totals stop loops inside loops (a reduce whose accumulator is mapped over)
 * from multiplying small lists into minutes of work in a form or a request.
 */
export const EVAL_LIMITS = {
  /** Items of one list fed to map, filter, reduce, all, some or none, or built by merge. */
  listLength: 10_000,
  /** Characters of one string built by cat (or of a list turned into text). */
  stringLength: 100_000,
  /** List items visited or merged over the whole evaluation. */
  totalItems: 1_000_000,
  /** Characters concatenated over the whole evaluation. */
  totalCharacters: 10_000_000,
} as const;

interface Budget {
  items: number;
  characters: number;
}

// Evaluation is synchronous, so one module-level budget is enough; runWithBudget saves
// and restores it so that an operation evaluating an inner expression keeps its own.
let budget: Budget | null = null;

/** Runs one evaluation with a fresh budget. */
export function runWithBudget<T>(run: () => T): T {
  const outer = budget;
  budget = { items: 0, characters: 0 };
  try {
    return run();
  } finally {
    budget = outer;
  }
}

/** Refuses a list longer than one operation may take, and counts it against the total. */
export function spendList(length: number, at: string): void {
  if (length > EVAL_LIMITS.listLength) {
    throw new LogicError('LOGIC_TOO_LARGE', at, `a list of ${length} items is longer than ${EVAL_LIMITS.listLength}`);
  }
  if (!budget) return;
  budget.items += length;
  if (budget.items > EVAL_LIMITS.totalItems) {
    throw new LogicError('LOGIC_TOO_LARGE', at, `the expression visits more than ${EVAL_LIMITS.totalItems} list items`);
  }
}

/** Refuses a string longer than one operation may build, and counts it against the total. */
export function spendText(length: number, at: string): void {
  if (length > EVAL_LIMITS.stringLength) {
    throw new LogicError('LOGIC_TOO_LARGE', at, `text of ${length} characters is longer than ${EVAL_LIMITS.stringLength}`);
  }
  if (!budget) return;
  budget.characters += length;
  if (budget.characters > EVAL_LIMITS.totalCharacters) {
    throw new LogicError('LOGIC_TOO_LARGE', at, `the expression builds more than ${EVAL_LIMITS.totalCharacters} characters of text`);
  }
}
