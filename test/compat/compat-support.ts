import { Decimal128, MongoServerError, type Document, type ObjectId } from 'mongodb';
import { expect } from 'vitest';

/** A schemaless document whose _id, when a test sets one, may be a number or a string too. */
export interface AnyDoc extends Document {
  _id?: ObjectId | number | string;
}

/** Shorthand for `Decimal128.fromString`. */
export const dec = (text: string): Decimal128 => Decimal128.fromString(text);

/**
 * The error `promise` rejects with, checked to be an instance of `type`
 * (`MongoServerError` by default); a resolved promise fails the test.
 */
export async function rejectionOf<E extends Error = MongoServerError>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E = MongoServerError as unknown as abstract new (...args: never[]) => E,
): Promise<E> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(type);
  return outcome as E;
}
