import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { ERROR_CODES, emptyBundle, type Entity } from '@metacrm/metadata';
import { salesBundle } from '../../../test/fixtures/sales-bundle.js';
import { createRegistries } from '../runtime/registries.js';
import { ComponentValidator, snapshotOf, unresolvedRefs } from './openapi.fixture.js';
import { buildOpenApiDocument, OpenApiDocuments, type OpenApiDocument } from './openapi.js';

const registries = createRegistries();
const documents: [string, OpenApiDocument][] = [
  ['the sales bundle', buildOpenApiDocument(snapshotOf(salesBundle(), 3), registries)],
  ['an empty bundle', buildOpenApiDocument(snapshotOf(emptyBundle(), 0), registries)],
];
type Operation = {
  operationId: string;
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
};

function operations(doc: OpenApiDocument): [string, string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'put', 'post', 'patch', 'delete'].includes(method))
      .map(([method, op]) => [path, method, op as Operation] as [string, string, Operation]),
  );
}

describe('the generated OpenAPI document', () => {
  it.each(documents)('for %s is a valid OpenAPI 3.1 document', async (_what, doc) => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it.each(documents)('for %s resolves every $ref and discriminator mapping inside itself', (_what, doc) => {
    expect(unresolvedRefs(doc)).toEqual([]);
    expect(JSON.stringify(doc)).not.toMatch(/"\$id"|"\$schema"|schema\.json/);
  });

  it.each(documents)('for %s has only well-formed JSON Schema 2020-12 components', (_what, doc) => {
    expect(() => new ComponentValidator(doc).compileAll(Object.keys(doc.components.schemas))).not.toThrow();
  });

  it.each(documents)('for %s answers every 4xx and 5xx with the Error (or Problems) shape', (_what, doc) => {
    const responses = doc.components.responses as Record<string, { content: Record<string, { schema: { $ref: string } }> }>;
    // The two probe answers meant for machines that read only the status.
    const probeBodies = new Set(['/readyz get 503', '/metrics get 401']);
    for (const [path, method, op] of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || probeBodies.has(`${path} ${method} ${status}`)) continue;
        const name = response.$ref?.replace('#/components/responses/', '');
        expect(name, `${method} ${path} ${status}`).toBeDefined();
        const schema = responses[name!]!.content['application/json']!.schema.$ref;
        expect(schema, `${method} ${path} ${status}`).toBe(
          status === '422' ? '#/components/schemas/Problems' : '#/components/schemas/Error',
        );
      }
      expect(op.responses['500'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/Internal' });
      if (path.startsWith('/api/'))
        expect(op.responses['503'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/Unavailable' });
    }
  });

  it.each(documents)('for %s gives every operation its own id', (_what, doc) => {
    const ids = operations(doc).map(([, , op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists every error code in the ErrorCode enum', () => {
    const [, doc] = documents[0]!;
    expect(doc.components.schemas.ErrorCode).toMatchObject({ enum: [...ERROR_CODES] });
  });

  const entityRoutes = [
    ['/api/records/opportunity', ['get', 'post']],
    ['/api/records/opportunity/{id}', ['get', 'patch', 'delete']],
    ['/api/records/opportunity/{id}/restore', ['post']],
    ['/api/records/opportunity/{id}/history', ['get']],
    ['/api/records/opportunity/aggregate', ['post']],
    ['/api/records/opportunity/import', ['post']],
    ['/api/records/opportunity/import/preview', ['post']],
    ['/api/records/opportunity/imports/{jobId}', ['get']],
    ['/api/records/opportunity/imports/{jobId}/cancel', ['post']],
    ['/api/records/opportunity/export', ['get']],
    ['/api/records/opportunity/bulk', ['post']],
    ['/api/records/opportunity/duplicates', ['post']],
    ['/api/records/account/{id}/related/opportunity/account', ['get']],
    ['/api/records/opportunity/{id}/owner', ['post']],
    ['/api/records/opportunity/{id}/shares', ['get', 'post']],
    ['/api/records/opportunity/{id}/shares/{shareId}', ['delete']],
  ] as const;
  const platformRoutes = [
    ['/healthz', ['get']],
    ['/readyz', ['get']],
    ['/metrics', ['get']],
    ['/api/system/status', ['get']],
    ['/api/openapi.json', ['get']],
    ['/api/meta', ['get']],
    ['/api/meta/draft', ['get']],
    ['/api/meta/draft/validate', ['post']],
    ['/api/meta/views/plan', ['post']],
    ['/api/meta/draft/entities/{key}', ['get', 'put', 'delete']],
    ['/api/meta/draft/roles/{key}', ['get', 'put', 'delete']],
    ['/api/meta/publish', ['post']],
    ['/api/meta/rollback', ['post']],
    ['/api/meta/versions', ['get']],
    ['/api/meta/versions/{version}', ['get']],
    ['/api/meta/versions/{a}/diff/{b}', ['get']],
    ['/api/meta/export', ['get']],
    ['/api/meta/import', ['post']],
    ['/api/meta/seed-loads/{id}', ['get']],
    ['/api/auth/login', ['post']],
    ['/api/auth/login/2fa', ['post']],
    ['/api/auth/logout', ['post']],
    ['/api/auth/me', ['get']],
    ['/api/auth/password', ['post']],
    ['/api/auth/2fa/setup', ['post']],
    ['/api/auth/2fa/confirm', ['post']],
    ['/api/auth/2fa/disable', ['post']],
    ['/api/auth/tokens', ['get', 'post']],
    ['/api/auth/tokens/{id}', ['delete']],
    ['/api/users', ['get', 'post']],
    ['/api/users/{id}', ['get', 'patch']],
    ['/api/users/{id}/reset-password', ['post']],
    ['/api/directory/users', ['get']],
    ['/api/departments', ['get', 'post']],
    ['/api/departments/{id}', ['patch', 'delete']],
    ['/api/settings/security', ['get', 'patch']],
    ['/api/audit', ['get']],
    ['/api/hooks/{key}', ['post']],
    ['/api/workflows/{key}/webhook-secret', ['post']],
    ['/api/workflows/{key}/dry-run', ['post']],
    ['/api/notifications', ['get']],
    ['/api/notifications/{id}/read', ['post']],
    ['/api/workflows', ['get']],
    ['/api/workflows/runs', ['get']],
    ['/api/workflows/runs/{id}', ['get']],
    ['/api/workflows/runs/{id}/retry', ['post']],
    ['/api/workflows/{key}/enable', ['post']],
    ['/api/workflows/{key}/disable', ['post']],
    ['/api/workflows/{key}/trigger', ['post']],
    ['/api/approvals', ['get']],
    ['/api/approvals/{id}/approve', ['post']],
    ['/api/approvals/{id}/reject', ['post']],
    ['/api/access/explain', ['get']],
  ] as const;

  it.each([...entityRoutes, ...platformRoutes])('documents %s', (path, methods) => {
    const [, doc] = documents[0]!;
    expect(
      Object.keys(doc.paths[path] ?? {})
        .filter((k) => k !== 'parameters')
        .sort(),
    ).toEqual([...methods].sort());
  });

  it('documents the platform routes and no record paths for an empty bundle', () => {
    const [, doc] = documents[1]!;
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/records'))).toEqual([]);
    for (const [path] of platformRoutes) expect(doc.paths[path], path).toBeDefined();
  });

  it('documents the settings of every workflow step type, as publish checks them', () => {
    const [, doc] = documents[0]!;
    const schemas = doc.components.schemas as Record<string, Record<string, unknown>>;
    for (const type of ['update_record', 'create_record', 'assign_owner', 'approval', 'notify', 'http_request', 'send_email', 'loop']) {
      expect(schemas[`WorkflowStepConfig_${type}`], type).toMatchObject({ type: 'object', additionalProperties: false });
    }
    expect(schemas.WorkflowStepConfig_create_record!.properties).toHaveProperty('owner');
  });

  it('describes the list parameters, the filter as JSON with a link to its schema', () => {
    const [, doc] = documents[0]!;
    const list = (doc.paths['/api/records/opportunity'] as { get: { parameters: Record<string, unknown>[] } }).get;
    const byName = (p: Record<string, unknown>) =>
      typeof p.$ref === 'string' ? (doc.components.parameters as Record<string, Record<string, unknown>>)[p.$ref.split('/').pop()!]! : p;
    const params = Object.fromEntries(list.parameters.map((p) => [byName(p).name, byName(p)]));
    expect(Object.keys(params).sort()).toEqual([
      'count',
      'cursor',
      'deleted',
      'expand',
      'fields',
      'filter',
      'limit',
      'page',
      'q',
      'sort',
      'timeZone',
      'view',
    ]);
    expect(params.expand).toMatchObject({ style: 'form', explode: false, schema: { items: { enum: ['account'] } } });
    expect(params.filter).toMatchObject({
      in: 'query',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Filter' } } },
    });
    expect(params.filter!.description).toContain('(#/components/schemas/Filter)');
    expect(params.filter!['x-filter-fields']).toMatchObject({
      amount: expect.arrayContaining(['gt', 'between']),
      stage: expect.arrayContaining(['in']),
      _createdAt: expect.arrayContaining(['relative']),
    });
    expect(params.fields).toMatchObject({
      style: 'form',
      explode: false,
      schema: { items: { enum: ['title', 'account', 'amount', 'probability', 'expected', 'stage', 'close_date'] } },
    });
    expect(params.limit).toMatchObject({ schema: { maximum: 200, default: 50 } });
    expect(params.sort!['x-sortable-fields']).toEqual(expect.arrayContaining(['_createdAt', 'amount', 'stage', 'close_date']));
    expect(doc.components.schemas.Filter).toMatchObject({ anyOf: expect.arrayContaining([{ $ref: '#/components/schemas/Condition' }]) });
  });

  it('names the components of an entity whose name is taken by a shared one Entity_<key>', () => {
    const entity = (key: string): Entity => ({
      key,
      label: { 'zh-CN': key, en: key },
      displayField: 'name',
      fields: [{ key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' } }],
    });
    const bundle = {
      ...emptyBundle(),
      entities: [entity('error'), entity('sales_order'), entity('salesorder'), entity('sales_order_input')],
    };
    const doc = buildOpenApiDocument(snapshotOf(bundle), registries);
    expect(doc.components.schemas.Error).toMatchObject({ properties: { error: expect.any(Object) } });
    expect(doc.components.schemas.Entity_error).toMatchObject({ 'x-entity': 'error' });
    expect(doc.components.schemas.SalesOrder).toMatchObject({ 'x-entity': 'sales_order' });
    expect(doc.components.schemas.Salesorder).toMatchObject({ 'x-entity': 'salesorder' });
    expect(doc.components.schemas.Entity_sales_order_input).toMatchObject({ 'x-entity': 'sales_order_input' });
    expect(unresolvedRefs(doc)).toEqual([]);
  });
});

describe('OpenApiDocuments', () => {
  it('builds once per metadata version and again after a publish', () => {
    const cache = new OpenApiDocuments(registries);
    const bundle = salesBundle();
    const first = cache.of(snapshotOf(bundle, 4));
    expect(cache.of(snapshotOf(bundle, 4))).toBe(first);
    const next = cache.of(snapshotOf({ ...bundle, entities: bundle.entities.slice(0, 1) }, 5));
    expect(next.etag).not.toBe(first.etag);
    expect(JSON.parse(next.json).components.schemas.Opportunity).toBeUndefined();
    expect(JSON.parse(first.json).info).toMatchObject({ 'x-metadata-version': 4 });
  });
});
