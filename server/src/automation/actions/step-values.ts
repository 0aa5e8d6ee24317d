import type { LogicOperation, Registry } from '@metacrm/metadata';
import { evaluateIn, renderTemplate } from '../run-scope.js';
import type { ActionContext } from '../action-contract.js';

/**
 * How the steps that reach outside read their settings. A text setting is either a
 * `{{path}}` template (escaped as its target needs) or a json-logic expression whose
 * value is used as it is; a JSON setting is a template whose json-logic nodes are
 * evaluated. All of them read `ctx.visible`: the record as the user who triggered the
 * run may see it, so nothing their roles hide or mask leaves the platform.
 */

/** A json-logic setting evaluated against what the triggering user may see. */
export function visibleValue(value: unknown, ctx: ActionContext): unknown {
  return evaluateIn(ctx.visible, value, ctx.registries.operations);
}

/** A template string rendered with `escape`, or json-logic evaluated to text. */
export function textSetting(value: unknown, ctx: ActionContext, escape: 'html' | 'url' | 'none'): string {
  if (typeof value === 'string') return renderTemplate(value, ctx.visible, escape);
  const result = visibleValue(value, ctx);
  return result === null || result === undefined ? '' : typeof result === 'object' ? JSON.stringify(result) : String(result);
}

/**
 * A JSON template: arrays and objects are walked, and an object whose only key is a
 * json-logic operation (`{"var": "record.name"}`, `{"cat": [...]}`) is replaced by its
 * value; everything else is taken literally. So a request body can nest objects.
 */
export function renderJson(value: unknown, ctx: ActionContext): unknown {
  if (Array.isArray(value)) return value.map((v) => renderJson(v, ctx));
  if (value === null || typeof value !== 'object') return value;
  if (isLogic(value, ctx.registries.operations)) return visibleValue(value, ctx);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = renderJson(v, ctx);
  return out;
}

function isLogic(value: object, operations: Registry<LogicOperation>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && operations.has(keys[0]!);
}

/** A JSON Schema pattern matching `word` in any letter case (JSON Schema patterns have no `i` flag). */
export function anyCase(word: string): string {
  return word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`).replace(/[.]/g, '\\.');
}
