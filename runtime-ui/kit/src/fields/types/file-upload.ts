import { csrfHeader } from '../../api/api-client';
import { ApiError, parseErrorBody } from '../../api/api-error';

/** A stored file as an attachment field holds it. */
export interface StoredFile {
  id: string;
  name: string;
  size: number;
  type?: string;
}

/** Where a file goes: the entity and attachment field, and the record when it exists. */
export interface UploadPlace {
  entity: string;
  field: string;
  recordId?: string | undefined;
}

/** An upload under way: its answer, and a way to stop it. */
export interface Upload {
  done: Promise<StoredFile>;
  abort: () => void;
}

/**
 * Uploads one file to `POST /api/attachments/{entity}/{field}`, reporting progress from
 * 0 to 1. XMLHttpRequest rather than fetch: only it reports the upload's progress. The
 * session cookie goes along (same origin) with its CSRF token; a refusal rejects with
 * the server's ApiError (ATTACHMENT_TOO_LARGE, ATTACHMENT_TYPE_NOT_ALLOWED, ...).
 */
export function uploadFile(place: UploadPlace, file: File, onProgress: (fraction: number) => void): Upload {
  const xhr = new XMLHttpRequest();
  const query = new URLSearchParams({ name: file.name, ...(place.recordId ? { record: place.recordId } : {}) });
  const done = new Promise<StoredFile>((resolve, reject) => {
    xhr.open('POST', `/api/attachments/${encodeURIComponent(place.entity)}/${encodeURIComponent(place.field)}?${query}`);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(csrfHeader('POST'))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        body = undefined;
      }
      if (xhr.status === 201) resolve(body as StoredFile);
      else reject(parseErrorBody(xhr.status, body, xhr.getResponseHeader('X-Request-Id')));
    };
    xhr.onerror = () => reject(new ApiError({ code: 'NETWORK_ERROR', message: 'The upload could not reach the server', status: 0 }));
    xhr.onabort = () => reject(new ApiError({ code: 'UNKNOWN_ERROR', message: 'The upload was stopped', status: 0 }));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** A file size for people: 1.2 MB, 340 KB, in the locale's digits. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}
