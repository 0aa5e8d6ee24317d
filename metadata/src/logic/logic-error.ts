import type { ProblemCode } from '../schema/problems.js';

/** The codes an evaluation can fail with: the same codes checkLogic reports for stored metadata. */
export type LogicErrorCode = Extract<ProblemCode, 'LOGIC_NOT_ALLOWED' | 'LOGIC_TOO_LARGE'>;

/**
 * Why an expression was refused, before or during evaluation. `pointer` is the JSON
 * pointer of the offending node inside the expression (`''` is the whole expression,
 * also used when a limit is hit where the node is not known), so the designer can
 * show it on the expression the admin wrote.
 */
export class LogicError extends Error {
  override readonly name = 'LogicError';

  constructor(
    readonly code: LogicErrorCode,
    readonly pointer: string,
    message: string,
  ) {
    super(message);
  }
}
