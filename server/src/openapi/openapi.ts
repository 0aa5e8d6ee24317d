import type { BundleRegistries, JsonSchema } from '@metacrm/metadata';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { PLATFORM_VERSION } from '../version.js';
import { ATTACHMENT_TAGS, attachmentPaths, attachmentSchemas } from './attachment-paths.js';
import { AUTH_TAGS, authPaths, authSchemas } from './auth-paths.js';
import { AUTOMATION_TAGS, automationPaths, automationSchemas } from './automation-paths.js';
import { entityPaths, entityTag } from './entity-paths.js';
import { entityComponentNames, inputSchema, listSchema, recordSchema } from './entity-schemas.js';
import { errorResponseComponents, errorSchemas } from './error-components.js';
import { metaPaths } from './meta-paths.js';
import { metaSchemaComponents } from './meta-components.js';
import { sharedHeaders, sharedParameters } from './parameters.js';
import { platformApiSchemas } from './platform-components.js';
import { PLATFORM_TAGS, platformPaths, securitySchemes } from './platform-paths.js';
import { recordApiSchemas } from './record-components.js';
import type { OpenApiObject } from './refs.js';
import { UI_TAGS, uiPaths, uiSchemas } from './ui-paths.js';
import { WORKFLOW_TAGS, workflowPaths, workflowSchemas } from './workflow-paths.js';

/** An OpenAPI 3.1 document, as plain JSON. */
export interface OpenApiDocument extends OpenApiObject {
  openapi: string;
  info: OpenApiObject & { title: string; version: string };
  paths: Record<string, OpenApiObject>;
  components: { schemas: Record<string, JsonSchema> } & OpenApiObject;
}

/**
 * The OpenAPI 3.1 document of the whole API for one metadata snapshot: the platform
 * routes, the metadata API with the metadata JSON Schemas as components, and for every
 * entity its record schemas (`<Entity>`, `<Entity>Input`, `<Entity>Patch`,
 * `<Entity>List`) and paths. Pure: the same snapshot and registries give the same
 * document, so callers cache it per metadata version.
 */
export function buildOpenApiDocument(snapshot: MetadataSnapshot, registries: BundleRegistries): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {
    ...errorSchemas(),
    ...recordApiSchemas(),
    ...platformApiSchemas(),
    ...authSchemas(),
    ...automationSchemas(registries),
    ...workflowSchemas(),
    ...uiSchemas(),
    ...attachmentSchemas(),
    ...metaSchemaComponents(registries.fieldTypes),
  };
  const entities = snapshot.bundle.entities;
  const names = entityComponentNames(entities, new Set(Object.keys(schemas)));
  const entityOf = (key: string) => snapshot.entity(key);
  const paths: Record<string, OpenApiObject> = {
    ...platformPaths(),
    ...authPaths(),
    ...metaPaths(),
    ...automationPaths(),
    ...workflowPaths(),
    ...uiPaths(),
    ...attachmentPaths(),
  };
  for (const entity of entities) {
    const own = names.get(entity.key)!;
    schemas[own.record] = recordSchema(entity, registries, entityOf);
    schemas[own.input] = inputSchema(entity, registries, 'create');
    schemas[own.patch] = inputSchema(entity, registries, 'patch');
    schemas[own.list] = listSchema(entity, own);
    Object.assign(paths, entityPaths(entity, { entities, names, registries, views: snapshot.bundle.views, forms: snapshot.bundle.forms }));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'metacrm API',
      version: `${PLATFORM_VERSION}+metadata.${snapshot.version}`,
      description:
        'The metacrm API, generated from the published metadata: every entity has its own record schemas and paths. ' +
        'Every error answers `{error: {code, message, details, requestId}}` (the `Error` schema); 422 answers list problems with JSON pointers (`Problems`). ' +
        'Labels are in English, with the Chinese label in `x-label-zh-CN`.',
      'x-metadata-version': snapshot.version,
    },
    tags: [
      ...PLATFORM_TAGS,
      ...AUTH_TAGS,
      ...AUTOMATION_TAGS,
      ...WORKFLOW_TAGS,
      ...UI_TAGS,
      ...ATTACHMENT_TAGS,
      ...entities.map(entityTag),
    ],
    security: [{ session: [] }, { sessionCookie: [] }, { apiToken: [] }],
    paths,
    components: {
      schemas,
      responses: errorResponseComponents(),
      parameters: sharedParameters(),
      headers: sharedHeaders(),
      securitySchemes: securitySchemes(),
    },
  };
}

/**
 * The document of the current metadata version, built once per version and kept as
 * serialized JSON with its ETag. A publish moves the snapshot to a new version (the
 * MetadataCache learns of it, across processes too), and the next call rebuilds.
 */
export class OpenApiDocuments {
  private cached: { version: number; json: string; etag: string } | undefined;

  constructor(private readonly registries: BundleRegistries) {}

  /** The serialized document of `snapshot` and its ETag. */
  of(snapshot: MetadataSnapshot): { json: string; etag: string } {
    if (this.cached?.version !== snapshot.version) {
      const json = JSON.stringify(buildOpenApiDocument(snapshot, this.registries));
      this.cached = { version: snapshot.version, json, etag: `"openapi-${PLATFORM_VERSION}-v${snapshot.version}"` };
    }
    return this.cached;
  }
}
