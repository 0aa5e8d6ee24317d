import { errorResponses } from './error-components.js';
import { jsonResponse, object, schemaRef, type OpenApiObject } from './refs.js';

/** The tags of the entity-independent operations. */
export const PLATFORM_TAGS: OpenApiObject[] = [
  { name: 'probes', description: 'Liveness, readiness and Prometheus metrics, for load balancers and orchestrators.' },
  { name: 'system', description: 'What an operator looks at first.' },
  { name: 'metadata', description: 'The draft, publishing, versions, diffs, rollback and app packages.' },
  { name: 'openapi', description: 'This document.' },
];

/** The probes, the system status and this document's own route. */
export function platformPaths(): Record<string, OpenApiObject> {
  return {
    '/healthz': {
      get: {
        tags: ['probes'],
        operationId: 'probes.healthz',
        security: [],
        summary: 'Liveness',
        description: 'The process answers; touches no dependency.',
        responses: { '200': jsonResponse('Alive.', object({ status: { const: 'ok' } })), ...errorResponses([], { api: false }) },
      },
    },
    '/readyz': {
      get: {
        tags: ['probes'],
        operationId: 'probes.readyz',
        security: [],
        summary: 'Readiness',
        description:
          "Ready when the database and Redis answer a ping now, or are busy: the ping was late while the database answered the API's other commands. `load` counts the requests in flight, queued and shed.",
        responses: {
          '200': jsonResponse('Ready.', schemaRef('Readiness')),
          '503': jsonResponse(
            'Not ready: the failing checks. (A probe body, not the error shape: load balancers read the status.)',
            schemaRef('Readiness'),
          ),
          ...errorResponses([], { api: false }),
        },
      },
    },
    '/metrics': {
      get: {
        tags: ['probes'],
        operationId: 'probes.metrics',
        summary: 'Prometheus metrics',
        description:
          'Request rate and latency by route, error counts by code, queue depths, process CPU, memory and event-loop lag. Needs `Authorization: Bearer <METRICS_TOKEN>` when that is set.',
        security: [{}, { metricsToken: [] }],
        responses: {
          '200': { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } },
          '401': {
            description: 'METRICS_TOKEN is set and the request does not carry it. (Plain text, for scrapers.)',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errorResponses([], { api: false }),
        },
      },
    },
    '/api/system/status': {
      get: {
        tags: ['system'],
        operationId: 'system.status',
        summary: 'System status',
        description: 'This process, the database and Redis round trips, and the depth of every queue.',
        responses: { '200': jsonResponse('The status.', schemaRef('SystemStatus')), ...errorResponses([]) },
      },
    },
    '/api/openapi.json': {
      get: {
        tags: ['openapi'],
        operationId: 'openapi.document',
        summary: 'This OpenAPI document',
        description:
          'Generated from the current metadata version: a publish shows up on the next request. Revalidate with `If-None-Match`.',
        responses: {
          '200': {
            description: 'The OpenAPI 3.1 document.',
            headers: { ETag: { description: 'Changes with the metadata version.', schema: { type: 'string' } } },
            content: { 'application/json': { schema: { type: 'object' } } },
          },
          '304': { description: 'Unchanged since the `If-None-Match` ETag.' },
          ...errorResponses([]),
        },
      },
    },
  };
}

/** `components.securitySchemes`. */
export function securitySchemes(): Record<string, OpenApiObject> {
  return {
    metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for /metrics only.' },
    session: { type: 'http', scheme: 'bearer', description: 'A session token (`mcs_…`) from POST /api/auth/login.' },
    apiToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'An API token (`mct_…`) from POST /api/auth/tokens; rate limited per token (429 RATE_LIMITED).',
    },
    sessionCookie: {
      type: 'apiKey',
      in: 'cookie',
      name: 'mc_session',
      description: 'The session cookie the apps use; writes must echo the `mc_csrf` cookie in `X-CSRF-Token`.',
    },
  };
}
