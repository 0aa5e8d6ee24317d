/** The fields a filter of the filter language names in its conditions, at any depth. */
export function filterFields(filter: unknown): string[] {
  if (typeof filter !== 'object' || filter === null) return [];
  const node = filter as { and?: unknown[]; or?: unknown[]; not?: unknown; field?: unknown };
  if (Array.isArray(node.and)) return node.and.flatMap(filterFields);
  if (Array.isArray(node.or)) return node.or.flatMap(filterFields);
  if (node.not !== undefined) return filterFields(node.not);
  return typeof node.field === 'string' ? [node.field] : [];
}
