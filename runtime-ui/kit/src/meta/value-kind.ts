import { SYSTEM_FIELDS, fieldTraits, isSystemField, type UserEntity } from '@metacrm/metadata';
import { fieldTypes } from './registries.js';

/** What a field's values are (`date`, `datetime`, ...), for the entity's fields and the system fields alike. */
export function valueKindOf(entity: UserEntity, key: string): string | undefined {
  const field = entity.fields.find((f) => f.key === key);
  const type = field ? field.type : isSystemField(key) ? SYSTEM_FIELDS[key] : undefined;
  return type === undefined ? undefined : fieldTraits({ ...field, type } as never, fieldTypes)?.value;
}
