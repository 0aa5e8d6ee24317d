import type { Problem } from '@metacrm/metadata';
import { BadRequest } from '../../errors/platform.errors.js';
import type { CompiledEntity } from '../compiled-entity.js';
import type { ColumnMapping } from './import-job.js';
import { ImportFileTooLarge, ImportMappingInvalid } from './import.errors.js';
import { CSV_ENCODINGS, IMPORT_FORMATS, IMPORT_LIMITS, type CsvEncoding, type ImportFormat } from './import-sheet.js';

/** The body of `POST /api/records/{entity}/import`, checked. */
export interface ImportRequest {
  fileName: string;
  content: Buffer;
  format: ImportFormat;
  encoding: CsvEncoding | undefined;
  sheet: string | undefined;
  /** Column header → field key, or null to ignore the column. */
  mapping: Record<string, string | null>;
  dryRun: boolean;
  upsertOn: string | undefined;
  /** The form every row is checked against instead of the entity's default form. */
  form: string | undefined;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}\s*$/;
/** Checks the shape of an import request and decodes its file. */
export function parseImportRequest(body: unknown): ImportRequest {
  const b = object(body, '');
  const file = object(b.file, '/file');
  const fileName = text(file.name, '/file/name', 255);
  const base64 = text(file.contentBase64, '/file/contentBase64', Number.MAX_SAFE_INTEGER);
  if (!BASE64.test(base64)) throw bad('/file/contentBase64', 'BAD_FORMAT', 'must be base64');
  if (base64.length * 0.75 > IMPORT_LIMITS.fileBytes + 4)
    throw ImportFileTooLarge(`The file is larger than ${IMPORT_LIMITS.fileBytes / 1024 / 1024} MB`);
  const format = b.format ?? /\.(csv|xlsx)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (!IMPORT_FORMATS.includes(format as ImportFormat))
    throw bad('/format', 'NOT_ALLOWED_VALUE', `must be one of ${IMPORT_FORMATS.join(', ')}`);
  if (b.encoding !== undefined && !CSV_ENCODINGS.includes(b.encoding as CsvEncoding))
    throw bad('/encoding', 'NOT_ALLOWED_VALUE', `must be one of ${CSV_ENCODINGS.join(', ')}`);
  if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') throw bad('/dryRun', 'WRONG_TYPE', 'must be true or false');
  const mapping = object(b.mapping, '/mapping');
  for (const [column, field] of Object.entries(mapping)) {
    if (field !== null && typeof field !== 'string') throw bad(`/mapping/${column}`, 'WRONG_TYPE', 'must be a field key or null');
  }
  return {
    fileName,
    content: Buffer.from(base64, 'base64'),
    format: format as ImportFormat,
    encoding: b.encoding as CsvEncoding | undefined,
    sheet: b.sheet === undefined ? undefined : text(b.sheet, '/sheet', 31),
    mapping: mapping as Record<string, string | null>,
    dryRun: b.dryRun === true,
    upsertOn: b.upsertOn === undefined || b.upsertOn === null ? undefined : text(b.upsertOn, '/upsertOn', 64),
    form: b.form === undefined || b.form === null ? undefined : text(b.form, '/form', 64),
  };
}

/**
 * Matches the mapping to the file's header row and the entity's fields: every mapped
 * column must exist once in the header, every field be writable (or be the upsert key)
 * and be filled by one column; upsertOn must be a unique field that is mapped.
 */
export function planMapping(
  compiled: CompiledEntity,
  headers: readonly string[],
  request: Pick<ImportRequest, 'mapping' | 'upsertOn'>,
): ColumnMapping[] {
  const problems: Problem[] = [];
  const out: ColumnMapping[] = [];
  const seen = new Set<string>();
  for (const [column, key] of Object.entries(request.mapping)) {
    if (key === null) continue;
    const pointer = `/mapping/${column.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const at = headers.flatMap((h, i) => (h === column.trim() ? [i] : []));
    const field = compiled.fields.get(key);
    if (at.length !== 1)
      problems.push({
        pointer,
        code: at.length === 0 ? 'UNKNOWN_PROPERTY' : 'DUPLICATE_KEY',
        message: at.length === 0 ? `the file has no column "${column}"` : `the file has ${at.length} columns "${column}"`,
      });
    else if (!field) problems.push({ pointer, code: 'UNKNOWN_FIELD', message: `${compiled.entity.key} has no field "${key}"` });
    else if (compiled.traits.get(key)?.importAs === 'never' || (compiled.traits.get(key)?.computed && key !== request.upsertOn))
      problems.push({ pointer, code: 'IMMUTABLE', message: `${key} cannot be imported` });
    else if (seen.has(key)) problems.push({ pointer, code: 'DUPLICATE_KEY', message: `another column is already mapped to ${key}` });
    else out.push({ column: column.trim(), index: at[0]!, field: key });
    seen.add(key);
  }
  if (out.length === 0 && problems.length === 0)
    problems.push({ pointer: '/mapping', code: 'REQUIRED', message: 'map at least one column to a field' });
  const upsertOn = request.upsertOn;
  if (upsertOn !== undefined && !compiled.uniques.has(upsertOn))
    problems.push({
      pointer: '/upsertOn',
      code: 'NOT_ALLOWED_VALUE',
      message: `${upsertOn} is not a unique field of ${compiled.entity.key}`,
    });
  else if (upsertOn !== undefined && !out.some((m) => m.field === upsertOn))
    problems.push({ pointer: '/upsertOn', code: 'REQUIRED', message: `map a column to ${upsertOn} to match records on it` });
  if (problems.length > 0) throw ImportMappingInvalid(undefined, { problems, headers });
  return out;
}

function object(value: unknown, pointer: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(pointer, 'WRONG_TYPE', 'must be an object');
  return value as Record<string, unknown>;
}

function text(value: unknown, pointer: string, max: number): string {
  if (typeof value !== 'string' || value === '' || value.length > max)
    throw bad(pointer, 'WRONG_TYPE', `must be text of 1 to ${max} characters`);
  return value;
}

function bad(pointer: string, code: string, message: string): Error {
  return BadRequest(`${pointer || 'the body'} ${message}`, [{ pointer, code, message }]);
}
