import type { Db } from 'mongodb';
import { ITEM_KINDS, bundleItems, deepEqual, mutableItems, type Bundle, type ItemKind } from '@metacrm/metadata';
import type { Actor } from '../actor/actor.js';
import { fromStorage } from '../record-storage/field-codec.js';
import { recordCollection } from '../record-storage/record-collections.js';
import type { MetadataCache } from './metadata-cache.js';
import { MetadataInvalid } from './metadata.errors.js';
import { MetadataService } from './metadata.service.js';
import type { MetadataToolkit } from './metadata-toolkit.js';

export interface AppPackage {
  format: 'metacrm.app/v1';
  name: string;
  label?: { 'zh-CN': string; en: string };
  version: string;
  exportedAt: string;
  metadata: Bundle;
  seed?: Record<string, Record<string, unknown>[]>;
}

export type ImportStatus = 'new' | 'identical' | 'conflict';

export interface ImportReport {
  dryRun: boolean;
  onConflict: 'skip' | 'overwrite';
  items: { kind: ItemKind; key: string; status: ImportStatus; action: 'added' | 'unchanged' | 'skipped' | 'overwritten' }[];
  summary: Record<ImportStatus, number>;
  /** Seed records in the package, per entity: loaded through the record pipeline, not here. */
  seed: Record<string, number>;
}

const MAX_EXPORT_RECORDS = 100_000;

export interface PackageServiceOptions {
  db: Db;
  actor: Actor;
  toolkit: MetadataToolkit;
  cache: MetadataCache;
}

/** Export of the current metadata (optionally with records) as one app package, and import into the draft. */
export class PackageService {
  constructor(private readonly options: PackageServiceOptions) {}

  async export(options: { name?: string; withRecords?: boolean } = {}): Promise<AppPackage> {
    const snapshot = await this.options.cache.current();
    const pkg: AppPackage = {
      format: 'metacrm.app/v1',
      name: options.name ?? 'workspace',
      version: `${Math.max(snapshot.version, 0)}.0.0`,
      exportedAt: new Date().toISOString(),
      metadata: snapshot.bundle,
    };
    if (options.withRecords) {
      pkg.seed = {};
      for (const entity of snapshot.bundle.entities) {
        const docs = await recordCollection(this.options.db, entity.key)
          .find({ _deletedAt: null })
          .sort({ _id: 1 })
          .limit(MAX_EXPORT_RECORDS)
          .toArray();
        pkg.seed[entity.key] = docs.map((doc) => {
          const record: Record<string, unknown> = { id: String(doc._id) };
          for (const field of entity.fields) if (doc[field.key] !== undefined) record[field.key] = fromStorage(field, doc[field.key]);
          return record;
        });
      }
    }
    return pkg;
  }

  /**
   * Imports a package's metadata into the draft. Items the draft lacks are added;
   * identical ones are left alone; different ones are conflicts, skipped or
   * overwritten as asked. With dryRun, only reports.
   */
  async import(pkg: unknown, options: { dryRun?: boolean; onConflict?: 'skip' | 'overwrite' } = {}): Promise<ImportReport> {
    return (await this.importPackage(pkg, options)).report;
  }

  /**
   * The import, also answering the validated package and the draft bundle as it is (or,
   * with dryRun, would be) afterwards: what a publish right after would publish.
   */
  async importPackage(
    pkg: unknown,
    options: { dryRun?: boolean; onConflict?: 'skip' | 'overwrite' } = {},
  ): Promise<{ report: ImportReport; pkg: AppPackage; draft: Bundle }> {
    const problems = this.options.toolkit.validator.validateAppPackage(pkg);
    if (problems.length > 0) throw MetadataInvalid('The app package is not valid', { problems });
    const { metadata, seed } = pkg as AppPackage;
    const onConflict = options.onConflict ?? 'skip';
    const service = new MetadataService(this.options);
    const { bundle: draft } = await service.draft();
    const after = structuredClone(draft);
    const report: ImportReport = {
      dryRun: options.dryRun === true,
      onConflict,
      items: [],
      summary: { new: 0, identical: 0, conflict: 0 },
      seed: {},
    };
    for (const kind of ITEM_KINDS) {
      const existing = new Map(bundleItems(draft, kind).map((item) => [item.key, item]));
      const items = mutableItems(after, kind);
      for (const item of bundleItems(metadata, kind)) {
        const current = existing.get(item.key);
        const status: ImportStatus = current === undefined ? 'new' : deepEqual(current, item) ? 'identical' : 'conflict';
        const action =
          status === 'new' ? 'added' : status === 'identical' ? 'unchanged' : onConflict === 'overwrite' ? 'overwritten' : 'skipped';
        report.items.push({ kind, key: item.key, status, action });
        report.summary[status]++;
        if (action === 'added') items.push(item);
        if (action === 'overwritten') items[items.findIndex((i) => i.key === item.key)] = item;
        if (!report.dryRun && (action === 'added' || action === 'overwritten')) await service.putDraftItem(kind, item.key, item);
      }
      items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    for (const [entity, records] of Object.entries(seed ?? {})) report.seed[entity] = records.length;
    return { report, pkg: pkg as AppPackage, draft: after };
  }
}
