import { PassThrough, type Readable } from 'node:stream';
import type { Db } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import type { Actor } from '../../actor/actor.js';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import type { Logger } from '../../observability/logger.js';
import type { ListResult } from '../record-list.js';
import { AuditLog } from '../../audit/audit-log.js';
import { RecordService } from '../record.service.js';
import { planExport, type ExportQuery } from './export-plan.js';
import { CONTENT_TYPES, ExportAborted, createSink, type ExportFormat, type ExportSink } from './export-sinks.js';
import { displayText, exportCell, exportColumns, type ExportColumn, type ExportLanguage } from './export-values.js';
import { neutralize } from './neutralize.js';

export interface ExportServiceOptions {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  actor: Actor;
  logger: Logger;
  requestId?: string | undefined;
}

export interface ExportRequest extends ExportQuery {
  entity: string;
  format: ExportFormat;
  lang: ExportLanguage;
}

/** An export under way: what to call the file, its type, and the bytes as they come. */
export interface ExportStream {
  fileName: string;
  contentType: string;
  body: Readable;
}

/** Records per page read from the database while streaming (the list maximum). */
export const EXPORT_PAGE = 200;

/**
 * Exports the records of a view (or of the entity) as CSV or XLSX, streamed: pages of
 * EXPORT_PAGE records are read with keyset cursors and written as they come, so no
 * export is ever held in memory whole. The first page is read before anything is
 * sent, so a bad filter or sort is still a proper 400. Every cell is neutralized
 * against formula injection. Each export leaves an audit entry with its row count.
 */
export async function openExport(options: ExportServiceOptions, request: ExportRequest): Promise<ExportStream> {
  const { entity, format, lang } = request;
  const service = new RecordService(options);
  const compiled = service.compiled(entity);
  service.access.require(entity, 'export');
  const plan = planExport(options.snapshot, compiled, request, service.access.queryable(entity));
  const columns = exportColumns(compiled, plan.columns, lang);
  const first = await service.list(entity, { ...plan.list, limit: EXPORT_PAGE });
  const body = new PassThrough();
  const sink = createSink(format, body, columns, compiled.entity.label[lang] || entity);
  const next = (cursor: string) => service.list(entity, { ...plan.list, limit: EXPORT_PAGE, cursor });
  void pump({ options, request, columns, sink, first, next }).catch((err: unknown) => {
    if (!(err instanceof ExportAborted)) options.logger.warn({ err, entity }, 'export failed');
    body.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return { fileName: `${[entity, request.view].filter(Boolean).join('-')}-${day}.${format}`, contentType: CONTENT_TYPES[format], body };
}

interface Pump {
  options: ExportServiceOptions;
  request: ExportRequest;
  columns: ExportColumn[];
  sink: ExportSink;
  first: ListResult;
  next: (cursor: string) => Promise<ListResult>;
}

async function pump({ options, request, columns, sink, first, next }: Pump): Promise<void> {
  let count = 0;
  try {
    await sink.header(columns.map((c) => neutralize(c.label)));
    for (let page: ListResult | undefined = first; page; page = page.nextCursor ? await next(page.nextCursor) : undefined) {
      for (const record of page.records) {
        await sink.row(columns.map((c) => exportCell(c, displayText(c, record, request.lang))));
      }
      count += page.records.length;
      await sink.flush();
    }
  } catch (err) {
    await audit(options, request, count, false).catch(() => undefined);
    throw err;
  }
  // Audited before the last bytes go out: a client that has the whole file finds the entry.
  await audit(options, request, count, true);
  await sink.end();
}

/** `records.export` in the audit log: who exported what, how many rows, and whether it finished. */
async function audit(options: ExportServiceOptions, request: ExportRequest, count: number, completed: boolean): Promise<void> {
  const { actor } = options;
  await new AuditLog(options.db).appendRecord({
    actor,
    action: 'records.export',
    entity: request.entity,
    format: request.format,
    view: request.view ?? null,
    count,
    completed,
    requestId: options.requestId ?? null,
  });
}
