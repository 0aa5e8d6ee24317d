import type { Db } from 'mongodb';
import {
  ITEM_KINDS,
  ITEM_NOUNS,
  builtInRole,
  derivedGrantWarnings,
  diffBundles,
  keyedPointer,
  planMigrations,
  validateBundle,
  type Bundle,
  type BundleDiff,
  type ItemKind,
  type Problem,
} from '@metacrm/metadata';
import { AuditLog } from '../audit/audit-log.js';
import { upsertAndUpdate } from '../storage/upsert.js';
import type { Actor } from '../actor/actor.js';
import type { MetadataBus } from './metadata-bus.js';
import type { MetadataCache, MetadataSnapshot } from './metadata-cache.js';
import {
  MetadataConflict,
  MetadataInvalid,
  MetadataItemNotFound,
  MetadataMigrationBlocked,
  MetadataNothingToPublish,
  MetadataPublishBusy,
  MetadataVersionNotFound,
} from './metadata.errors.js';
import { MetadataRepository, canonicalJson, checksum, draftId, type DraftDoc, type VersionDoc } from './metadata.repository.js';
import { applyMigrations, previewMigrations, pruneViewIndexes, type PlannedMigration } from './migration-runner.js';
import type { MetadataToolkit } from './metadata-toolkit.js';

export interface MetadataServiceOptions {
  db: Db;
  actor: Actor;
  toolkit: MetadataToolkit;
  cache: MetadataCache;
  bus?: MetadataBus | undefined;
  /** Where the request came from, for the audit entries of a publish. */
  ip?: string | undefined;
  requestId?: string | undefined;
}

export interface DraftItem {
  kind: ItemKind;
  key: string;
  rev: number;
  item: unknown;
  updatedAt: Date;
  updatedBy: Actor;
}

export interface PublishOptions {
  dryRun?: boolean;
  message?: string;
  /** Publish even though some stored values will not convert (they are removed). */
  acceptDataLoss?: boolean;
}

export interface PublishResult {
  version: number;
  previousVersion: number;
  applied: boolean;
  diff: BundleDiff;
  migrations: PlannedMigration[];
  /** Publishes, but an admin should know: roles whose explicit grants reveal hidden fields. */
  warnings: Problem[];
}

const LOCK_MS = 10 * 60_000;

/**
 * The metadata service: the draft admins edit, publishing it as an immutable version
 * (validated, diffed, migrated, switched atomically), the version history, diffs and
 * rollback. Built per request with the acting user.
 */
export class MetadataService {
  private readonly repo: MetadataRepository;

  constructor(private readonly options: MetadataServiceOptions) {
    this.repo = new MetadataRepository(options.db);
  }

  async current(): Promise<MetadataSnapshot> {
    return await this.options.cache.current();
  }

  /** The draft as a bundle, with the version it started from. */
  async draft(): Promise<{ origin: number; bundle: Bundle }> {
    await this.ensureDraft();
    const state = await this.repo.state.findOne({ _id: 'draft' });
    return { origin: state?.version ?? 0, bundle: await this.repo.draftBundle() };
  }

  async draftItem(kind: ItemKind, key: string): Promise<DraftItem> {
    await this.ensureDraft();
    const doc = await this.repo.draft.findOne({ _id: draftId(kind, key) });
    if (!doc) throw MetadataItemNotFound(`No ${ITEM_NOUNS[kind]} "${key}" in the draft`, { kind, key });
    return toItem(doc);
  }

  /**
   * Creates or replaces one draft item after checking its shape. With `expectedRev` the
   * write succeeds only if nobody changed the item since that revision (If-Match).
   */
  async putDraftItem(kind: ItemKind, key: string, item: unknown, expectedRev?: number): Promise<DraftItem> {
    await this.ensureDraft();
    const problems: Problem[] = [];
    let body: unknown = item;
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const record: Record<string, unknown> = { ...(item as Record<string, unknown>) };
      if (record.key === undefined) record.key = key;
      else if (record.key !== key)
        problems.push({
          pointer: '/key',
          code: 'KEY_MISMATCH',
          message: `keys are immutable: the body says "${String(record.key)}" but the URL says "${key}"`,
        });
      body = record;
    }
    problems.push(...this.options.toolkit.validator.validateItem(kind, body));
    if (kind === 'roles') problems.push(...builtInRole(key, '/key'));
    if (problems.length > 0) throw MetadataInvalid(`The ${ITEM_NOUNS[kind]} "${key}" is not valid`, { problems: keyed(problems, body) });
    const now = new Date();
    const set = { kind, key, json: JSON.stringify(body), updatedAt: now, updatedBy: this.options.actor };
    if (expectedRev === undefined) {
      // Not a findOneAndUpdate upsert: its post-image is not relied on (storage/upsert.ts).
      return toItem(
        await upsertAndUpdate(this.repo.draft, { _id: draftId(kind, key) }, { ...set, rev: 0 }, { $set: set, $inc: { rev: 1 } }),
      );
    }
    const updated = await this.repo.draft.findOneAndUpdate(
      { _id: draftId(kind, key), rev: expectedRev },
      { $set: set, $inc: { rev: 1 } },
      { returnDocument: 'after' },
    );
    if (!updated) throw await this.conflict(kind, key);
    return toItem(updated);
  }

  async deleteDraftItem(kind: ItemKind, key: string, expectedRev?: number): Promise<void> {
    await this.ensureDraft();
    const filter = expectedRev === undefined ? { _id: draftId(kind, key) } : { _id: draftId(kind, key), rev: expectedRev };
    const { deletedCount } = await this.repo.draft.deleteOne(filter);
    if (deletedCount === 0)
      throw expectedRev === undefined
        ? MetadataItemNotFound(`No ${ITEM_NOUNS[kind]} "${key}" in the draft`, { kind, key })
        : await this.conflict(kind, key);
  }

  /** Every problem that would stop the draft from publishing. */
  async validateDraft(): Promise<Problem[]> {
    const { bundle } = await this.draft();
    return keyed(validateBundle(bundle, this.options.toolkit.registries, this.options.toolkit.validator), bundle);
  }

  /** Publishes the draft as the next version (or, with dryRun, says what that would do). */
  async publish(options: PublishOptions = {}): Promise<PublishResult> {
    const { bundle } = await this.draft();
    return await this.publishBundle(bundle, options, null);
  }

  /**
   * What publishing `bundle` would do (version, diff, migration preview), without
   * writing anything; refuses an invalid bundle as publish does. For dry runs of a
   * change that is not in the draft yet, such as an app package being applied.
   */
  async previewPublish(bundle: Bundle): Promise<PublishResult> {
    return await this.publishBundle(bundle, { dryRun: true }, null);
  }

  /** Publishes an earlier version's bundle as a new version, and resets the draft to it. */
  async rollback(version: number, options: PublishOptions = {}): Promise<PublishResult> {
    const target = await this.repo.version(version);
    if (!target) throw MetadataVersionNotFound(`No metadata version ${version}`, { version });
    return await this.publishBundle(JSON.parse(target.json) as Bundle, { message: `Rollback to version ${version}`, ...options }, version);
  }

  async versions(): Promise<Omit<VersionDoc, 'json'>[]> {
    return await this.repo.versions
      .find({}, { projection: { json: 0 } })
      .sort({ _id: -1 })
      .toArray();
  }

  async version(n: number): Promise<VersionDoc & { bundle: Bundle }> {
    const doc = await this.repo.version(n);
    if (!doc) throw MetadataVersionNotFound(`No metadata version ${n}`, { version: n });
    return { ...doc, bundle: JSON.parse(doc.json) as Bundle };
  }

  /** The structured diff from version `a` to version `b` (0 is the empty bundle). */
  async diff(a: number, b: number): Promise<BundleDiff> {
    for (const n of [a, b])
      if (n !== 0 && !(await this.repo.version(n))) throw MetadataVersionNotFound(`No metadata version ${n}`, { version: n });
    return diffBundles(await this.repo.bundleOf(a), await this.repo.bundleOf(b));
  }

  private async publishBundle(bundle: Bundle, options: PublishOptions, rollbackOf: number | null): Promise<PublishResult> {
    const { registries, validator } = this.options.toolkit;
    const problems = validateBundle(bundle, registries, validator);
    if (problems.length > 0)
      throw MetadataInvalid('The metadata has problems; nothing was published', { problems: keyed(problems, bundle) });
    const previousVersion = await this.repo.currentVersion();
    const previous = await this.repo.bundleOf(previousVersion);
    const diff = diffBundles(previous, bundle);
    const migrations = await previewMigrations(
      this.options.db,
      planMigrations(previous, bundle, registries.fieldTypes, registries.triggers),
    );
    const warnings = derivedGrantWarnings(bundle, registries.operations);
    const result = { version: previousVersion + 1, previousVersion, applied: false, diff, migrations, warnings };
    if (options.dryRun) return result;
    if (diff.changes.length === 0 && previousVersion > 0) throw MetadataNothingToPublish(undefined, { version: previousVersion });
    const blocked = migrations.filter((m) => m.preview.blocking && (m.preview.duplicates?.length || !options.acceptDataLoss));
    if (blocked.length > 0) throw MetadataMigrationBlocked(undefined, { migrations: blocked });

    const owner = await this.lock();
    try {
      if ((await this.repo.currentVersion()) !== previousVersion)
        throw MetadataConflict('Another publish finished first; review the new version and publish again');
      // Each record a migration changes gets a history entry naming this publish and its version.
      const actor = { kind: this.options.actor.kind, id: this.options.actor.id, name: this.options.actor.name };
      await applyMigrations(this.options.db, migrations, bundle, {
        actor,
        version: previousVersion + 1,
        previous: previousVersion,
        bundleOf: (n) => this.repo.bundleOf(n),
      });
      await pruneViewIndexes(this.options.db, bundle, registries.fieldTypes, registries.triggers);
      await this.switchVersion(bundle, previous, previousVersion, diff, migrations, options.message ?? null, rollbackOf);
    } finally {
      await this.repo.state.deleteOne({ _id: 'publish-lock', owner });
    }
    this.options.cache.invalidate();
    await this.options.bus?.announce(previousVersion + 1);
    return { ...result, applied: true };
  }

  /**
   * Stores version N+1 and moves the pointer to it in one transaction, with its audit
   * entries: `meta.publish`, and a `role.change` per role added, removed or changed.
   */
  private async switchVersion(
    bundle: Bundle,
    previousBundle: Bundle,
    previous: number,
    diff: BundleDiff,
    migrations: PlannedMigration[],
    message: string | null,
    rollbackOf: number | null,
  ): Promise<void> {
    const version = previous + 1;
    const session = this.options.db.client.startSession();
    try {
      await session.withTransaction(async () => {
        await this.repo.versions.insertOne(
          {
            _id: version,
            json: canonicalJson(bundle),
            checksum: checksum(bundle),
            createdAt: new Date(),
            createdBy: this.options.actor,
            message,
            summary: diff.summary,
            migrations,
            rollbackOf,
          },
          { session },
        );
        const moved = await this.repo.state.updateOne(
          previous === 0 ? { _id: 'current', version: { $exists: false } } : { _id: 'current', version: previous },
          { $set: { version, switchedAt: new Date() } },
          { upsert: previous === 0, session },
        );
        if (moved.matchedCount === 0 && moved.upsertedCount === 0) throw MetadataConflict();
        if (rollbackOf !== null) await this.repo.replaceDraft(bundle, this.options.actor, version, session);
        const audit = new AuditLog(this.options.db);
        const common = { actor: this.options.actor, ip: this.options.ip, requestId: this.options.requestId };
        await audit.append(
          {
            ...common,
            action: 'meta.publish',
            target: { kind: 'metadata', version },
            data: { previous, message, summary: diff.summary, rollbackOf },
          },
          session,
        );
        for (const change of roleChanges(previousBundle, bundle))
          await audit.append(
            { ...common, action: 'role.change', target: { kind: 'role', key: change.key }, data: { change: change.change, version } },
            session,
          );
      });
    } finally {
      await session.endSession();
    }
  }

  /** Takes the publish lease; publishes are serialized across every process. */
  private async lock(): Promise<string> {
    const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
    const now = new Date();
    try {
      await this.repo.state.updateOne(
        { _id: 'publish-lock', $or: [{ expiresAt: { $lt: now } }, { expiresAt: { $exists: false } }] },
        { $set: { owner, expiresAt: new Date(now.getTime() + LOCK_MS) } },
        { upsert: true },
      );
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw MetadataPublishBusy();
      throw err;
    }
    return owner;
  }

  /** Copies the current version into the draft the first time anyone touches it. */
  private async ensureDraft(): Promise<void> {
    if (await this.repo.state.findOne({ _id: 'draft' })) return;
    const session = this.options.db.client.startSession();
    try {
      await session.withTransaction(async () => {
        if (await this.repo.state.findOne({ _id: 'draft' }, { session })) return;
        const version = await this.repo.currentVersion(session);
        await this.repo.replaceDraft(await this.repo.bundleOf(version, session), this.options.actor, version, session);
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err; // someone else seeded it first
    } finally {
      await session.endSession();
    }
  }

  private async conflict(kind: ItemKind, key: string): Promise<Error> {
    const current = await this.repo.draft.findOne({ _id: draftId(kind, key) });
    return MetadataConflict(undefined, { kind, key, currentRev: current?.rev ?? null });
  }
}

function toItem(doc: DraftDoc): DraftItem {
  return { kind: doc.kind, key: doc.key, rev: doc.rev, item: JSON.parse(doc.json), updatedAt: doc.updatedAt, updatedBy: doc.updatedBy };
}

export { ITEM_KINDS };

/** Roles a publish adds, removes or changes (compared as canonical JSON). */
function roleChanges(before: Bundle, after: Bundle): { key: string; change: 'added' | 'removed' | 'changed' }[] {
  const old = new Map(before.roles.map((r) => [r.key, canonicalJson(r)]));
  const next = new Map(after.roles.map((r) => [r.key, canonicalJson(r)]));
  const changes: { key: string; change: 'added' | 'removed' | 'changed' }[] = [];
  for (const [key, json] of next)
    if (!old.has(key)) changes.push({ key, change: 'added' });
    else if (old.get(key) !== json) changes.push({ key, change: 'changed' });
  for (const key of old.keys()) if (!next.has(key)) changes.push({ key, change: 'removed' });
  return changes;
}

/** Problems of a bundle or item as a designer names them: `/forms/<key>/...`, not `/forms/0/...` (keyedPointer). */
function keyed(problems: Problem[], doc: unknown): Problem[] {
  return problems.map((p) => ({ ...p, pointer: keyedPointer(p.pointer, doc) }));
}
