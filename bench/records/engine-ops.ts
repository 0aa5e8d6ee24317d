import { SYSTEM_ACTOR, type Actor } from '../../server/src/actor/actor.js';
import { RecordService } from '../../server/src/records/record.service.js';
import type { Operation } from '../lib/measure.js';
import { LEAD } from './lead-bundle.js';
import { leadPatch } from './lead-data.js';
import { pick, release, reserve, type OpContext } from './op-context.js';

/** The four measured operations. */
export interface RecordOps {
  get: Operation;
  list: Operation;
  create: Operation;
  patch: Operation;
}

/**
 * The four operations through the record engine, as a request runs them: a
 * RecordService built for the operation from the snapshot, the actor and the db (as
 * the routes build one per request), then get, list, create or update. The system
 * actor by default, whom no role limits.
 */
export function engineOps(ctx: OpContext, actor: Actor = SYSTEM_ACTOR): RecordOps {
  const { world } = ctx;
  const service = () => new RecordService({ db: ctx.db, snapshot: world.snapshot, registries: world.registries, actor });
  return {
    get: () => service().get(LEAD, world.hex[pick(ctx)]!),
    list: () => service().list(LEAD, ctx.list.options),
    create: () => service().create(LEAD, ctx.creates.take().input),
    patch: async () => {
      const i = reserve(ctx);
      try {
        const { input } = leadPatch(ctx.rng, (ctx.patches.seq += 1));
        const record = await service().update(LEAD, world.hex[i]!, input, world.versions[i]);
        world.versions[i] = record._version;
      } finally {
        release(ctx, i);
      }
    },
  };
}

/**
 * Get and list as a user whose only role reads their own leads with the phone masked:
 * the same calls, plus what access control adds (the record scope, the shares lookup
 * that widens it, the mask). Gets pick among the user's own records, so each finds one.
 */
export function repOps(ctx: OpContext): Pick<RecordOps, 'get' | 'list'> {
  const { world } = ctx;
  if (world.repOwned.length === 0) throw new Error('the rep owns no loaded record: load more records');
  const service = () => new RecordService({ db: ctx.db, snapshot: world.snapshot, registries: world.registries, actor: world.rep });
  return {
    get: () => service().get(LEAD, world.hex[world.repOwned[ctx.rng.int(0, world.repOwned.length - 1)]!]!),
    list: () => service().list(LEAD, ctx.list.options),
  };
}
