import { fieldTypePalette, type Bundle, type Entity, type Field } from '@metacrm/metadata';
import { suggestKey } from '../common/keys';

/**
 * A new field of `type` for `entity`, valid in shape from the start so that autosave
 * can save it at once: labelled with the type's name, keyed from the English label,
 * and with the settings its type cannot do without (an option, a currency, a lookup
 * target, a formula), which the admin then changes.
 */
export function newField(type: string, entity: Entity, bundle: Bundle): Field {
  const palette = fieldTypePalette().find((p) => p.type === type);
  const label = palette ? { ...palette.label } : { 'zh-CN': type, en: type };
  const key = suggestKey(label.en, new Set(entity.fields.map((f) => f.key)));
  const base = { key, type, label } as Record<string, unknown>;
  return { ...base, ...typeDefaults(type, entity, bundle) } as unknown as Field;
}

function typeDefaults(type: string, entity: Entity, bundle: Bundle): Record<string, unknown> {
  switch (type) {
    case 'single_select':
    case 'multi_select':
      return { options: [{ key: 'option_1', label: { 'zh-CN': '选项 1', en: 'Option 1' }, color: '#1677ff' }] };
    case 'currency':
      return { currencyCode: 'CNY', scale: 2 };
    case 'lookup':
      return { target: bundle.entities.find((e) => e.key !== entity.key)?.key ?? entity.key, onDelete: 'restrict' };
    case 'formula':
      return { resultType: 'text', expression: { var: entity.displayField } };
    case 'rollup': {
      // A child entity that looks this one up, when there is one; else publish names what to fix.
      for (const child of bundle.entities) {
        const via = child.fields.find((f) => f.type === 'lookup' && (f as { target?: string }).target === entity.key);
        if (via) return { entity: child.key, via: via.key, function: 'count' };
      }
      return { entity: entity.key, via: entity.displayField, function: 'count' };
    }
    default:
      return {};
  }
}
