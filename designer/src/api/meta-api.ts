import type { Bundle, BundleDiff, FieldImpact, ItemKind, Problem } from '@metacrm/metadata';
import { api } from '@metacrm/ui-kit';

// The metadata API as the designer calls it (README "The metadata API"). Everything
// the designer makes is saved through these routes; the server special-cases nothing.

/** A draft item with its revision, which a save sends back as `If-Match`. */
export interface DraftItem<T = unknown> {
  kind: ItemKind;
  key: string;
  rev: number;
  item: T;
  updatedAt: string;
  updatedBy: { id: string; name?: string };
}

/** The index a view's list query gets (server/src/metadata/view-plan.ts). */
export interface ViewPlan {
  index: { name: string; fields: { field: string; direction: 'asc' | 'desc' }[]; source: 'view' | 'declared'; views: string[] } | null;
  exists: boolean;
  usable: boolean;
  reasons: { code: string; pointer: string; field?: string; op?: string }[];
}

/** What a migration would do to stored records (server/src/metadata/migration-runner.ts). */
export interface MigrationPreview {
  records: number;
  unconvertible?: { count: number; sample: { id: string; value: unknown; reason: string }[] };
  duplicates?: { value: unknown; count: number }[];
  blocking: boolean;
  keptAside?: boolean;
}

export interface PlannedMigration {
  type: string;
  entity: string;
  field?: string;
  preview: MigrationPreview;
}

export interface PublishResult {
  version: number;
  previousVersion: number;
  applied: boolean;
  diff: BundleDiff;
  migrations: PlannedMigration[];
  warnings: Problem[];
}

export interface VersionSummary {
  version: number;
  createdAt: string;
  createdBy: { id: string; name?: string };
  message: string | null;
  summary: BundleDiff['summary'];
  rollbackOf: number | null;
}

const item = (kind: ItemKind, key: string) => `/api/meta/draft/${kind}/${encodeURIComponent(key)}`;
const ifMatch = (rev: number | undefined): Record<string, string> => (rev === undefined ? {} : { 'If-Match': `"${rev}"` });

/** The metadata API calls the designer makes. */
export const metaApi = {
  current: () => api.get<{ version: number; bundle: Bundle }>('/api/meta'),
  draft: () => api.get<{ origin: number; bundle: Bundle }>('/api/meta/draft'),
  draftItem: <T>(kind: ItemKind, key: string) => api.get<DraftItem<T>>(item(kind, key)),
  /** Saves an item; with `rev`, only if nobody saved it since (409 METADATA_CONFLICT otherwise). */
  putDraftItem: <T>(kind: ItemKind, key: string, body: T, rev?: number) =>
    api.request<DraftItem<T>>(item(kind, key), { method: 'PUT', body, headers: ifMatch(rev) }),
  deleteDraftItem: (kind: ItemKind, key: string, rev?: number) =>
    api.request<undefined>(item(kind, key), { method: 'DELETE', headers: ifMatch(rev) }),
  validate: () => api.post<{ valid: boolean; problems: Problem[] }>('/api/meta/draft/validate'),
  publish: (options: { dryRun: boolean; message?: string; acceptDataLoss?: boolean }) =>
    api.post<PublishResult>(
      `/api/meta/publish${options.dryRun ? '?dryRun=true' : ''}`,
      { message: options.message, acceptDataLoss: options.acceptDataLoss === true },
      { timeoutMs: 120_000 },
    ),
  versions: () => api.get<{ versions: VersionSummary[] }>('/api/meta/versions'),
  diff: (a: number, b: number) => api.get<BundleDiff>(`/api/meta/versions/${a}/diff/${b}`),
  version: (n: number) => api.get<VersionSummary & { bundle: Bundle }>(`/api/meta/versions/${n}`),
  rollback: (version: number, options: { dryRun: boolean; acceptDataLoss?: boolean }) =>
    api.post<PublishResult>(
      `/api/meta/rollback${options.dryRun ? '?dryRun=true' : ''}`,
      { version, acceptDataLoss: options.acceptDataLoss === true },
      { timeoutMs: 120_000 },
    ),
  viewPlan: (view: unknown, signal?: AbortSignal) => api.post<ViewPlan>('/api/meta/views/plan', { view }, signal ? { signal } : {}),
  impact: (entity: string, field: string) =>
    api.get<FieldImpact>(`/api/meta/impact?entity=${encodeURIComponent(entity)}&field=${encodeURIComponent(field)}`),
};
