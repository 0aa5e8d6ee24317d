import type { Db } from 'mongodb';
import type { Logger } from '../../observability/logger.js';
import { ATTACHMENT_BUCKET, attachmentFiles } from './attachment-store.js';

/** Files one sweep deletes at most, so a backlog is worked off in steps that each end soon. */
const SWEEP_BATCH = 500;

/**
 * Deletes the files nothing holds: uploads never attached within the TTL (a form
 * abandoned after its upload), and files let go of (a ref removed, a record purged).
 * It runs in workers; several sweeping at once only race to delete the same file
 * document, which one of them does.
 */
export class AttachmentSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;

  constructor(private readonly options: { db: Db; logger: Logger; orphanTtlMs: number; everyMs?: number }) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweepOnce()
        .catch((err: unknown) =>
          this.options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'attachment sweep failed'),
        )
        .finally(() => (this.sweeping = undefined));
    }, this.options.everyMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One sweep as of `now`; answers how many files it deleted. */
  async sweepOnce(now = new Date()): Promise<{ deleted: number }> {
    const { db, logger, orphanTtlMs } = this.options;
    const files = attachmentFiles(db);
    const cutoff = new Date(now.getTime() - orphanTtlMs);
    const orphan = { 'metadata.recordId': null, uploadDate: { $lte: cutoff } };
    const letGo = { 'metadata.detachedAt': { $ne: null, $lte: now } };
    const [orphans, detached] = await Promise.all([
      files.find(orphan, { projection: { _id: 1 }, limit: SWEEP_BATCH }).toArray(),
      files.find(letGo, { projection: { _id: 1 }, limit: SWEEP_BATCH }).toArray(),
    ]);
    const chunks = db.collection(`${ATTACHMENT_BUCKET}.chunks`);
    let deleted = 0;
    for (const [{ _id }, still] of [...orphans.map((f) => [f, orphan] as const), ...detached.map((f) => [f, letGo] as const)]) {
      // The file document goes first, and only while it still qualifies: a write that
      // attached the upload since it was found keeps it. Its chunks follow.
      const { deletedCount } = await files.deleteOne({ _id, ...still });
      if (deletedCount === 0) continue;
      await chunks.deleteMany({ files_id: _id });
      deleted++;
    }
    if (deleted > 0) logger.info({ deleted, orphans: orphans.length, detached: detached.length }, 'attachment sweep deleted files');
    return { deleted };
  }
}
