import type { JsonSchema } from '@metacrm/metadata';
import { errorResponses } from './error-components.js';
import { jsonResponse, object, schemaRef, type OpenApiObject } from './refs.js';

/** The tag of the attachment routes. */
export const ATTACHMENT_TAGS: OpenApiObject[] = [
  {
    name: 'attachments',
    description: 'Files of attachment fields, stored in GridFS, with the access of the record and field they belong to.',
  },
];

/** The ref an upload answers and an attachment field's value holds. */
export function attachmentSchemas(): Record<string, JsonSchema> {
  return {
    AttachmentRef: object({
      id: { type: 'string', pattern: '^[0-9a-f]{24}$' },
      name: {
        type: 'string',
        description: 'The stored name: no directories, control or direction characters, an extension that fits the type.',
      },
      size: { type: 'integer', minimum: 1, description: 'Bytes.' },
      type: { type: 'string', description: 'The media type sniffed from the bytes.' },
    }),
  };
}

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

/** POST /api/attachments/{entity}/{field}, GET and DELETE /api/attachments/{id}. */
export function attachmentPaths(): Record<string, OpenApiObject> {
  return {
    '/api/attachments/{entity}/{field}': {
      post: {
        tags: ['attachments'],
        operationId: 'attachments.upload',
        summary: 'Upload a file for an attachment field',
        description:
          "The body is the file's bytes (any Content-Type: the type is sniffed from the bytes; HTML, SVG, XML and unknown binaries are refused with ATTACHMENT_TYPE_NOT_ALLOWED). " +
          'Needs the right to write the field: on the record `record` names (404 when the caller cannot see it, 403 when they may only read it), else to create records of the entity. ' +
          "The answer is the ref to put in the field's value with the record's next create or update, which attaches the file; an upload never attached is deleted after ATTACHMENT_ORPHAN_TTL_MS. " +
          'Larger than ATTACHMENT_MAX_BYTES: 413 ATTACHMENT_TOO_LARGE with `details.field`, `details.maxBytes` and an OUT_OF_RANGE problem at `/{field}`.',
        parameters: [
          { name: 'entity', in: 'path', required: true, schema: { type: 'string' } },
          {
            name: 'field',
            in: 'path',
            required: true,
            schema: { type: 'string' },
            description: 'An attachment field of the entity (else 400 ATTACHMENT_INVALID).',
          },
          {
            name: 'name',
            in: 'query',
            required: true,
            schema: { type: 'string', maxLength: 1000 },
            description: 'The file name; stored made safe.',
          },
          { name: 'record', in: 'query', schema: { type: 'string' }, description: 'The record the file is for, when it exists.' },
        ],
        requestBody: {
          required: true,
          content: {
            'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            '*/*': { schema: { type: 'string', format: 'binary' } },
          },
        },
        responses: {
          '201': jsonResponse('Stored, not yet attached.', schemaRef('AttachmentRef')),
          ...errorResponses(['BadRequest', 'Forbidden', 'NotFound', 'PayloadTooLarge', 'UnsupportedMediaType']),
        },
      },
    },
    '/api/attachments/{id}': {
      get: {
        tags: ['attachments'],
        operationId: 'attachments.download',
        summary: 'Download a file',
        description:
          'Always a download (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, a sandboxing CSP), never shown inline. ' +
          'For users who may read the record and the field that holds the file, and for its uploader before it is attached; 404 ATTACHMENT_NOT_FOUND for everyone else.',
        parameters: [idParam],
        responses: {
          '200': {
            description: 'The bytes.',
            headers: {
              'Content-Disposition': { schema: { type: 'string' } },
              ETag: { description: 'The SHA-256 of the bytes.', schema: { type: 'string' } },
            },
            content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
          },
          ...errorResponses(['NotFound']),
        },
      },
      delete: {
        tags: ['attachments'],
        operationId: 'attachments.delete',
        summary: 'Remove a file',
        description:
          "An upload not yet attached is deleted at once (its uploader only). An attached file leaves its record's field through the record pipeline (the right to update the record and write the field; a revision and an audit entry), and is deleted by the sweep.",
        parameters: [idParam],
        responses: { '204': { description: 'Removed.' }, ...errorResponses(['Forbidden', 'NotFound', 'Conflict', 'Unprocessable']) },
      },
    },
  };
}
