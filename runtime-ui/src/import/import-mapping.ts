import { fieldTraits, type UserEntity } from '@metacrm/metadata';
import { fieldTypes } from '@metacrm/ui-kit';

/** A field a file's column may fill: written by the user, not computed, not a file. */
export function importableFields(entity: UserEntity): UserEntity['fields'] {
  return entity.fields.filter((f) => {
    const traits = fieldTraits(f as never, fieldTypes);
    return f.access.write && traits !== undefined && !traits.computed && traits.value !== 'files';
  });
}

/** A header or label compared without case, spaces, underscores, dashes or a trailing colon. */
const normalize = (text: string) =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s_\-:：]+/g, '');

/**
 * The field each column is likely meant for: the field whose key or label (in either
 * language) reads the same as the header, each field at most once; others are ignored.
 */
export function suggestMapping(headers: readonly string[], fields: UserEntity['fields']): Record<string, string | null> {
  const taken = new Set<string>();
  const out: Record<string, string | null> = {};
  for (const header of headers) {
    const wanted = normalize(header);
    const field = fields.find(
      (f) => !taken.has(f.key) && [f.key, f.label.en, f.label['zh-CN']].some((name) => name && normalize(name) === wanted),
    );
    out[header] = field ? field.key : null;
    if (field) taken.add(field.key);
  }
  return out;
}
