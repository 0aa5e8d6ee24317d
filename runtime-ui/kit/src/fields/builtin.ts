import { fieldUis } from './field-ui';
import { choiceTypes } from './types/choice';
import { computedTypes } from './types/computed';
import { dateTypes } from './types/dates';
import { fileTypes } from './types/files';
import { numberTypes } from './types/number';
import { referenceTypes } from './types/reference';
import { textTypes } from './types/text';

/**
 * Registers the UI half of the 21 built-in field types under their type ids; a plugin's
 * UI module registers its own types the same way. Called once at start.
 */
export function registerBuiltInFieldUis(): void {
  for (const group of [textTypes, numberTypes, choiceTypes, dateTypes, referenceTypes, computedTypes, fileTypes]) {
    for (const [type, ui] of Object.entries(group)) if (!fieldUis.has(type)) fieldUis.register(type, ui);
  }
}
