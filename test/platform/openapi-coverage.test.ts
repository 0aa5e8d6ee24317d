import { describe, expect, it } from 'vitest';
import { undocumentedRoutes } from '../../server/src/openapi/route-coverage.js';
import { registeredRoutes, routesMissingFromOpenApi, servedDocument } from '../../scripts/openapi-routes.js';

/** What `npm run lint` (lint:openapi) checks: no route-method of the routers is missing from the served document. */
describe('the OpenAPI document against the routers', () => {
  const doc = servedDocument();

  it('describes every route-method the routers register', () => {
    expect(registeredRoutes().length).toBeGreaterThan(80);
    expect(routesMissingFromOpenApi(doc)).toEqual([]);
  });

  it('names each route-method a deliberate gap leaves out', () => {
    const paths = { ...doc.paths };
    delete paths['/api/approvals'];
    const { delete: _removed, ...shares } = paths['/api/records/customer/{id}/shares/{shareId}']!;
    paths['/api/records/customer/{id}/shares/{shareId}'] = shares;
    // Only the customer path of an entity route is gone: the other entities still describe it.
    expect(routesMissingFromOpenApi({ ...doc, paths })).toEqual([{ method: 'GET', path: '/api/approvals' }]);
    for (const path of Object.keys(paths).filter((p) => p.endsWith('/shares/{shareId}'))) delete paths[path];
    expect(routesMissingFromOpenApi({ ...doc, paths })).toEqual([
      { method: 'DELETE', path: '/api/records/:entity/:id/shares/:shareId' },
      { method: 'GET', path: '/api/approvals' },
    ]);
  });

  it.each([
    ['a parameter against a parameter', 'GET', '/api/workflows/runs/:id', '/api/workflows/runs/{id}', true],
    ['an entity against each entity', 'GET', '/api/records/:entity/export', '/api/records/lead/export', true],
    ['an id against a literal', 'GET', '/api/records/:entity/:id', '/api/records/lead/export', false],
    ['a literal against a parameter', 'GET', '/api/workflows/runs', '/api/workflows/{key}', false],
    ['another method', 'POST', '/api/approvals', '/api/approvals', false],
    ['a longer path', 'GET', '/api/approvals/:id', '/api/approvals', false],
  ])('matches %s: %s %s ~ %s is %s', (_what, method, route, documented, covered) => {
    const missing = undocumentedRoutes([{ method, path: route }], { paths: { [documented]: { get: {} } } });
    expect(missing.length === 0).toBe(covered);
  });
});
