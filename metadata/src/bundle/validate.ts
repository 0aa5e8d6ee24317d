import type { MetaValidator } from '../schema/meta-validator.js';
import type { Problem } from '../schema/problems.js';
import type { Bundle, BundleRegistries } from './bundle-types.js';
import { checkBundleReferences } from './validate-bundle.js';

/**
 * Everything publishing checks, in order: the shape of every item against the
 * meta-schemas, then (only on a well-formed bundle) keys, references and expressions.
 */
export function validateBundle(bundle: unknown, registries: BundleRegistries, validator: MetaValidator): Problem[] {
  const shape = validator.validateBundle(bundle);
  if (shape.length > 0) return shape;
  return checkBundleReferences(bundle as Bundle, registries, (schema, value, at) => validator.validateAgainst(schema, value, at));
}
