/**
 * The answer of `POST /api/records/{entity}/aggregate`, declared once for the server
 * that computes it (server/src/records/record-aggregate.ts) and the runtime UI's
 * dashboards and kanban columns that show it.
 */

/** One group key: the value, and the label and color a chart shows for it. */
export interface AggregateKey {
  value: string | boolean | null;
  /** An option's label, or a referenced record's display value (the same text in both languages). */
  label?: Record<string, string>;
  color?: string;
}

/** A measure's value: counts and whole sums are numbers, decimals exact strings, dates ISO strings. */
export type MeasureValue = number | string | null;

/** One group of the answer: its keys (one per `groupBy` entry) and its measures in request order. */
export interface AggregateGroup {
  keys: AggregateKey[];
  values: MeasureValue[];
}

/** The whole answer. */
export interface AggregateAnswer {
  groups: AggregateGroup[];
  /** The measures over all matching records. */
  total: { values: MeasureValue[] };
  /** More groups matched than `limit`. */
  truncated: boolean;
}
