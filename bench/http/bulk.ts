import { SYSTEM_ACTOR } from '../../server/src/actor/actor.js';
import { RecordService } from '../../server/src/records/record.service.js';
import { measure } from '../lib/measure.js';
import { DEAL } from './deal-bundle.js';
import type { DealGenerator, DealWorld } from './deal-world.js';

/** Bulk against single creates through the engine (issue #19: bulk at least 5 times faster). */
export interface BulkResult {
  count: number;
  single: { concurrency: number; seconds: number; perSec: number };
  bulk: { batch: number; seconds: number; perSec: number };
  ratio: number;
}

/**
 * `count` single creates through RecordService.create with `concurrency` in flight,
 * then `count` creates through RecordService.createMany in batches of `batch`, one
 * after another: the same records' checks, each batch one transaction with its
 * revisions, audit entries and events. Data is generated before each clock starts.
 */
export async function measureBulk(
  world: DealWorld,
  generator: DealGenerator,
  count: number,
  batch: number,
  concurrency: number,
): Promise<BulkResult> {
  const service = new RecordService({ db: world.db, snapshot: world.snapshot, registries: world.registries, actor: SYSTEM_ACTOR });
  const singles = Array.from({ length: count }, () => generator.next());
  let at = 0;
  const single = await measure('single create', () => service.create(DEAL, singles[at++]), {
    iterations: count,
    seconds: 3600,
    concurrency,
  });
  const inputs = Array.from({ length: count }, () => generator.next());
  const t0 = performance.now();
  for (let i = 0; i < count; i += batch) {
    const outcomes = await service.createMany(DEAL, inputs.slice(i, i + batch));
    const refused = outcomes.find((o) => o instanceof Error);
    if (refused) throw refused;
  }
  const seconds = (performance.now() - t0) / 1000;
  const bulkPerSec = count / seconds;
  return {
    count,
    single: { concurrency, seconds: single.seconds, perSec: single.opsPerSec },
    bulk: { batch, seconds, perSec: bulkPerSec },
    ratio: bulkPerSec / single.opsPerSec,
  };
}
