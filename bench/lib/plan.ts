import type { Document, FindCursor } from 'mongodb';

/**
 * Names the stages of a find's winning plan, outermost first, e.g.
 * `LIMIT > FETCH > IXSCAN status_1_score_-1__id_1`: whether the server answered from an
 * index (real MongoDB) or scanned and sorted (the embedded SecantusDB). Never throws:
 * a server without `explain` gets its error message in place of the plan.
 */
export async function winningPlan<T>(cursor: FindCursor<T>): Promise<string> {
  try {
    const explained = await cursor.explain('queryPlanner');
    const stages: string[] = [];
    let node: Document | undefined = explained.queryPlanner?.winningPlan;
    while (node) {
      stages.push(typeof node.indexName === 'string' ? `${node.stage} ${node.indexName}` : String(node.stage ?? '?'));
      node = node.inputStage ?? (Array.isArray(node.inputStages) ? node.inputStages[0] : undefined) ?? node.queryPlan;
    }
    return stages.length > 0 ? stages.join(' > ') : 'no winningPlan in explain output';
  } catch (err) {
    return `explain failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}
