import { fileTypeFromBuffer } from 'file-type';

/**
 * What a stored file is, decided from its bytes, never from the name or the type the
 * client declared: a PDF named `.png`, or HTML named `.txt`, is what its bytes say.
 */
export interface SniffedContent {
  /** The media type the file is stored and served under. */
  type: string;
  /** The file name's extension that fits the type. */
  ext: string;
}

/**
 * The binary types that may be attached, as sniffed from their magic bytes. Office
 * documents (docx, xlsx, pptx) are zip containers that file-type tells apart. Markup
 * that a browser would run (HTML, SVG, XML) is never in it: even served as a download
 * with nosniff, a file that can script is not worth keeping.
 */
export const ALLOWED_BINARY_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/tiff',
  'image/heic',
  'image/avif',
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-7z-compressed',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/x-cfb', // .doc, .xls, .ppt (the OLE compound file)
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/rtf',
  'audio/mpeg',
  'audio/wav',
  'audio/mp4',
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'message/rfc822',
]);

/** Plain text kinds told apart by the name alone (their bytes have no signature). */
const TEXT_TYPES: Readonly<Record<string, string>> = {
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  md: 'text/markdown',
  json: 'application/json',
  log: 'text/plain',
  txt: 'text/plain',
};
const TEXT_HEAD = 64 * 1024;
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Text a browser would treat as a page or an image that runs script, whatever it is called. */
const MARKUP = /^\s*(<(!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta|style|link)\b|<!--)/i;

/**
 * Sniffs `bytes`: a known binary type on the allowlist, or UTF-8 text without NUL bytes
 * that does not open like markup (typed by the name's extension, else text/plain).
 * Anything else answers undefined, and the upload is refused.
 */
export async function sniffContent(bytes: Uint8Array, name: string): Promise<SniffedContent | undefined> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) return ALLOWED_BINARY_TYPES.has(found.mime) ? { type: found.mime, ext: found.ext } : undefined;
  if (bytes.includes(0)) return undefined;
  let text: string;
  try {
    // The head is enough to judge; cut at a character boundary so the cut is no error.
    text = UTF8.decode(bytes.length > TEXT_HEAD ? trimToCharBoundary(bytes.subarray(0, TEXT_HEAD)) : bytes);
  } catch {
    return undefined;
  }
  if (MARKUP.test(text.replace(/^\uFEFF/, ''))) return undefined;
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? 'txt';
  const type = TEXT_TYPES[ext];
  return type ? { type, ext } : { type: 'text/plain', ext: 'txt' };
}

/** The first bytes of `bytes` up to the last whole UTF-8 character, so a cut never reads as invalid. */
function trimToCharBoundary(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  // Step back over continuation bytes (10xxxxxx) and the lead byte they belong to.
  let back = 0;
  while (back < 4 && end - back - 1 >= 0 && (bytes[end - back - 1]! & 0xc0) === 0x80) back++;
  if (end - back - 1 >= 0 && bytes[end - back - 1]! >= 0xc0) end = end - back - 1;
  return bytes.subarray(0, end);
}

/** Characters never kept in a file name: path separators, controls, and those Windows refuses. */
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME = /[\u0000-\u001f\u007f-\u009f/\\:*?"<>|\u202a-\u202e\u2066-\u2069\u200e\u200f]/g;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * A file name safe to store and to send back in Content-Disposition: no directories
 * (`../../etc/passwd` keeps `passwd`), no control or bidirectional-override characters
 * (which can disguise `exe.pdf` as `fdp.exe`), no leading dots, no names Windows
 * reserves, at most 255 characters with the extension kept. The extension is made to
 * fit the sniffed type when it does not already (`invoice.pdf.exe` holding a PDF is
 * stored as `invoice.pdf.exe.pdf`), so what opens it is what it is.
 */
export function safeFileName(raw: string, sniffed: SniffedContent): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(UNSAFE_NAME, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (name === '' || RESERVED.test(name)) name = `file${name === '' ? '' : `_${name}`}`;
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  const fits =
    ext !== undefined &&
    (ext === sniffed.ext || EQUIVALENT_EXT[sniffed.ext]?.includes(ext) === true || (sniffed.type.startsWith('text/') && ext in TEXT_TYPES));
  if (!fits) name = `${name}.${sniffed.ext}`;
  if (name.length > 255) {
    const suffix = /\.[A-Za-z0-9]{1,8}$/.exec(name)?.[0] ?? '';
    name = name.slice(0, 255 - suffix.length) + suffix;
  }
  return name;
}

/** Extensions in common use for a sniffed type besides file-type's own. */
const EQUIVALENT_EXT: Readonly<Record<string, readonly string[]>> = {
  jpg: ['jpeg', 'jpe'],
  tif: ['tiff'],
  cfb: ['doc', 'xls', 'ppt', 'msg'],
  mp4: ['m4v'],
  txt: ['text', 'log'],
};
