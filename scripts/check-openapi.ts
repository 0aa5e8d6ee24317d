/**
 * Fails when a route-method registered on the API's Koa routers is missing from the
 * OpenAPI document the API serves (GET /api/openapi.json), so the document cannot drift
 * from the routes. Run by `npm run lint` (lint:openapi).
 */
import { registeredRoutes, routesMissingFromOpenApi } from './openapi-routes.js';

const missing = routesMissingFromOpenApi();
if (missing.length > 0) {
  console.error(
    `Routes missing from the OpenAPI document (${missing.length}); describe them in server/src/openapi:\n${missing.map((r) => `  ${r.method} ${r.path}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(`Every one of the ${registeredRoutes().filter((r) => r.method !== 'HEAD').length} route-methods is in the OpenAPI document.`);
