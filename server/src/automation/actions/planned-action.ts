import type { ActionContext, ActionResult, WorkflowAction } from '../action-contract.js';

/** A step type with a side effect, split into what it would do and doing it. */
export interface PlannedActionDefinition<P extends Record<string, unknown>> extends Omit<WorkflowAction, 'run' | 'plan' | 'sideEffect'> {
  /**
   * Interprets the settings against the run: evaluates expressions, renders templates,
   * resolves users and checks what a settings mistake would fail. Reads, never writes.
   */
  plan(config: Record<string, unknown>, ctx: ActionContext): Promise<P>;
  /** Acts on the plan (idempotently on ctx.idempotencyKey, see WorkflowAction). */
  perform(plan: P, ctx: ActionContext, config: Record<string, unknown>): Promise<ActionResult>;
}

/**
 * A side-effect step whose run is its plan, then acting on it. A dry run reports the
 * plan (RunExecution), so it interprets the settings through the very code a real run
 * does: a config object such as `approvers: {type: manager}` or a localized title is
 * read as the step reads it, never evaluated as json-logic on its own.
 */
export function plannedAction<P extends Record<string, unknown>>(definition: PlannedActionDefinition<P>): WorkflowAction {
  const { plan, perform, ...rest } = definition;
  return {
    ...rest,
    sideEffect: true,
    plan,
    run: async (config, ctx) => await perform(await plan(config, ctx), ctx, config),
  };
}
