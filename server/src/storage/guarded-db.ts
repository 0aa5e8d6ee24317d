import { AsyncLocalStorage } from 'node:async_hooks';
import type { Collection, Db, Document } from 'mongodb';
import { ClientClosedRequest } from '../errors/index.js';

/**
 * What the database handle knows of the request it works for: whether its client is
 * still there, and whether it has begun writing.
 */
export interface DbWorkScope {
  /** Aborts when the client has gone away. */
  signal: AbortSignal;
  /** Set at the request's first write: from then on it runs to its end. */
  wrote: boolean;
  /**
   * Runs a wait on the client (reading its body) outside the process's work limits, so
   * a slow client holds none of the places that database work needs. Unset: runs it as is.
   */
  waitForClient?: <T>(wait: () => Promise<T>) => Promise<T>;
}

const scopes = new AsyncLocalStorage<DbWorkScope>();

/** Runs `work` (a request's handling) with `scope`, seen by every command it sends through a guarded handle. */
export function runDbWork<T>(scope: DbWorkScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

/** The scope of the request being handled, if any. */
export function currentDbWork(): DbWorkScope | undefined {
  return scopes.getStore();
}

export interface DbGuardOptions {
  /** Server-side time limit of every read (`maxTimeMS`); a read that passes it fails with code 50. */
  maxTimeMS: number;
}

/** Reads, with the position of their options argument. */
const READS: Readonly<Record<string, number>> = {
  find: 1,
  findOne: 1,
  aggregate: 1,
  countDocuments: 1,
  distinct: 2,
  estimatedDocumentCount: 0,
};
const WRITES = new Set([
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'bulkWrite',
]);

/**
 * The database handle the API hands its services: the same `Db`, except that
 * - every read carries `maxTimeMS` (unless the caller set its own), so no query runs
 *   on in the server long after anyone waits for it;
 * - a read of a request whose client has gone away is not sent (CLIENT_CLOSED_REQUEST),
 *   so a burst of abandoned requests stops at its next command instead of running to
 *   the end. A request that has begun writing is let finish: stopping between two
 *   writes could leave the first without the second.
 * One place for all of it, rather than an option at each of the hundred call sites.
 */
export function guardDb(db: Db, options: DbGuardOptions): Db {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'collection') {
        return (name: string, collectionOptions?: Parameters<Db['collection']>[1]) =>
          guardCollection(target.collection(name, collectionOptions), options);
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function guardCollection<T extends Document>(collection: Collection<T>, options: DbGuardOptions): Collection<T> {
  return new Proxy(collection, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      const optionsAt = READS[property];
      if (optionsAt !== undefined) {
        return (...args: unknown[]) => {
          const scope = scopes.getStore();
          if (scope?.signal.aborted === true && !scope.wrote) {
            // find and aggregate hand back a cursor at once; the others a promise.
            if (property === 'find' || property === 'aggregate') throw ClientClosedRequest();
            return Promise.reject(ClientClosedRequest());
          }
          const given = (args[optionsAt] ?? {}) as { maxTimeMS?: number };
          const withTime = [...args];
          while (withTime.length < optionsAt) withTime.push(undefined);
          withTime[optionsAt] = given.maxTimeMS === undefined ? { ...given, maxTimeMS: options.maxTimeMS } : given;
          return method.apply(target, withTime);
        };
      }
      if (WRITES.has(property)) {
        return (...args: unknown[]) => {
          const scope = scopes.getStore();
          if (scope) scope.wrote = true;
          return method.apply(target, args);
        };
      }
      return method.bind(target);
    },
  });
}
