/**
 * The layer orders of the repository, lowest first: the one place that says which code
 * may import which. `npm run lint:layers` (check-layers.ts) fails on an import that runs
 * upward, or sideways between two units of one rank. Moving a unit up or down here is a
 * design decision: say why in the commit.
 */
import type { LayerOrder } from './layer-rules.js';

const server = (...units: string[]): string[] => units.map((unit) => `server/src/${unit}`);

/**
 * The folders of server/src (and its loose files). Each line is a rank; a folder may
 * import from the lines above it only.
 */
export const SERVER_LAYERS: LayerOrder = {
  name: 'server',
  complete: 'server/src',
  // Unit tests sit beside the code they test and may build it with anything.
  exempt: /\.test\.ts$/,
  ranks: [
    server('config', 'version.ts'), // environment -> Config; the package version
    server('errors'), // AppError, defineError, driver failures -> 503
    server('observability'), // logger, metrics, the outage log
    server('storage', 'net', 'dev-services'), // MongoDB/Redis connections; outbound HTTP guard; child processes
    server('queues', 'actor'), // BullMQ queues and the job contract; who is acting
    server('audit', 'record-storage'), // the audit log; how records sit in MongoDB (collections, codec, counters)
    server('query'), // the filter DSL and sorts compiled to MongoDB queries
    server('metadata'), // versions, drafts, publish, migrations, the snapshot cache
    server('auth'), // users, sessions, tokens, sign-in, admin rights
    server('access'), // roles, record scopes, shares, field access, the user's metadata
    server('records', 'notifications'), // the record engine; in-app notifications
    server('automation'), // outbox relay, triggers, runs, steps, approvals
    server('live', 'personal', 'search', 'openapi', 'plugins'), // features over the engine; the plugin API
    server('http', 'worker'), // Koa routes and middleware; BullMQ workers
    server('app.ts'), // Koa wiring
    server('runtime'), // startPlatform: composes registries, storage, queues, API and worker
    server('index.ts', 'main.ts'), // the package's exports; the process entry
  ],
};

/**
 * The workspace packages. The isomorphic metadata package is below everything; the UI
 * kit knows nothing of either app; the apps never import each other; nothing in the
 * packages leans on tests, benchmarks or scripts.
 */
export const PACKAGE_LAYERS: LayerOrder = {
  name: 'packages',
  // Unit tests beside the code may share the fixtures under test/.
  exempt: /\.test\.tsx?$/,
  ranks: [['metadata'], ['runtime-ui/kit', 'server'], ['runtime-ui/src', 'designer', 'plugins'], ['test', 'bench', 'scripts']],
};

export const LAYER_ORDERS: readonly LayerOrder[] = [PACKAGE_LAYERS, SERVER_LAYERS];
