import Router from '@koa/router';
import type { Db } from 'mongodb';
import { cellText, inferColumns, type InferredColumn, type LookupCandidate } from '@metacrm/metadata';
import type { MetadataCache, MetadataSnapshot } from '../metadata/metadata-cache.js';
import { recordCollection } from '../record-storage/record-collections.js';
import { checkFormat, sheetRows, type SheetCell } from '../records/import/import-sheet.js';
import { parseImportRequest } from '../records/import/import-request.js';
import { ImportFileInvalid } from '../records/import/import.errors.js';
import { IMPORT_BODY_LIMIT } from './records-io.routes.js';
import type { AppState } from './context.js';
import { jsonBody } from './json-body.js';
import { requireAdmin } from './require-admin.middleware.js';

/** Rows read to propose types and show samples: enough to see repeated values, quick on a big file. */
const SAMPLE_ROWS = 1_000;
/** Distinct values per column looked up among other entities' records, at most. */
const LOOKUP_VALUES = 200;

export interface SpreadsheetPreview {
  fileName: string;
  format: string;
  headers: string[];
  /** Data rows read (at most SAMPLE_ROWS; `truncated` when the file has more). */
  sampled: number;
  truncated: boolean;
  /** The proposed field type of each column (`inferColumns`). */
  columns: InferredColumn[];
  /** The first rows as text, for the designer's table. */
  rows: string[][];
}

/**
 * `POST /api/meta/spreadsheet/preview` (metadata administrators): a CSV or XLSX file, in
 * the body an import takes (`file: {name, contentBase64}`, `format?`, `encoding?`,
 * `sheet?`), read the way an import reads it, answers its headers, first rows and a
 * proposed field type per column, including lookups to the published entities whose
 * records' display values every value of a column names. Nothing is stored: the
 * designer's "entity from a spreadsheet" starts here.
 */
export function spreadsheetRoutes(deps: { db: Db; cache: MetadataCache }): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/meta/spreadsheet' });
  router.post('/preview', requireAdmin('metadata'), async (ctx) => {
    const body = (await jsonBody(ctx, { limit: IMPORT_BODY_LIMIT })) as Record<string, unknown> | null;
    const request = parseImportRequest({ ...(body ?? {}), mapping: {} });
    checkFormat(request.content, request.format);
    const { headers, cells, truncated } = await readSample(request);
    const lookups = await lookupCandidates(deps.db, await deps.cache.current(), headers, cells);
    ctx.body = {
      fileName: request.fileName,
      format: request.format,
      headers,
      sampled: cells.length,
      truncated,
      columns: inferColumns(headers, cells, { lookups }),
      // The cells as the proposal read them (a whole-day date as YYYY-MM-DD).
      rows: cells.slice(0, 20).map((row) => headers.map((_, i) => cellText(row[i] ?? null))),
    } satisfies SpreadsheetPreview;
  });
  return router;
}

async function readSample(
  request: ReturnType<typeof parseImportRequest>,
): Promise<{ headers: string[]; cells: SheetCell[][]; truncated: boolean }> {
  let headers: string[] | undefined;
  const cells: SheetCell[][] = [];
  for await (const row of sheetRows(request.content, request.format, { sheet: request.sheet, encoding: request.encoding })) {
    if (headers === undefined) headers = row.cells.map((c) => cellText(c).trim());
    else if (cells.length === SAMPLE_ROWS) return { headers, cells, truncated: true };
    else cells.push(row.cells);
  }
  if (headers === undefined || headers.every((h) => h === '')) throw ImportFileInvalid('The file has no header row');
  return { headers, cells, truncated: false };
}

/**
 * The published entities a text column may point at: for each, the display values of
 * its records among the column's values (one indexed `$in` query per entity, not a
 * scan), so inferColumns proposes a lookup only when every value names a record.
 */
async function lookupCandidates(
  db: Db,
  snapshot: MetadataSnapshot,
  headers: readonly string[],
  cells: readonly SheetCell[][],
): Promise<LookupCandidate[]> {
  const texts = new Set<string>();
  headers.forEach((_, i) => {
    const values = new Set(cells.map((row) => cellText(row[i] ?? null)).filter((v) => v !== '' && Number.isNaN(Number(v))));
    if (values.size <= LOOKUP_VALUES) for (const v of values) texts.add(v);
  });
  if (texts.size === 0) return [];
  const candidates = await Promise.all(
    snapshot.bundle.entities
      .filter((e) => e.displayField)
      .map(async (entity) => {
        const field = entity.displayField!;
        const found = await recordCollection(db, entity.key)
          .find({ [field]: { $in: [...texts] }, _deletedAt: null }, { projection: { [field]: 1 } })
          .toArray();
        return { entity: entity.key, names: new Set(found.map((d) => String(d[field]))) };
      }),
  );
  return candidates.filter((c) => c.names.size > 0);
}
