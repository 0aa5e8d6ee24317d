import { describe, expect, it } from 'vitest';
import { validateBundle, type Bundle } from '@metacrm/metadata';
import { metadataToolkit } from '../metadata/metadata-toolkit.js';
import { createRegistries } from '../runtime/registries.js';
import { ComponentValidator, snapshotOf } from './openapi.fixture.js';
import { buildOpenApiDocument } from './openapi.js';

const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });

/** Two entities that use every built-in field type between them. */
function projectBundle(): Bundle {
  return {
    entities: [
      {
        key: 'project',
        label: l('项目', 'Project'),
        displayField: 'name',
        fields: [
          { key: 'name', type: 'text', label: l('名称', 'Name'), required: true },
          { key: 'budget', type: 'decimal', label: l('预算', 'Budget'), precision: 12, scale: 3 },
          { key: 'code', type: 'auto_number', label: l('编号', 'Code'), prefix: 'P' },
          { key: 'tasks_count', type: 'rollup', label: l('任务数', 'Tasks'), entity: 'task', via: 'project', function: 'count' },
          { key: 'hours_sum', type: 'rollup', label: l('工时', 'Hours'), entity: 'task', via: 'project', function: 'sum', field: 'hours' },
          {
            key: 'first_due',
            type: 'rollup',
            label: l('最早到期', 'First due'),
            entity: 'task',
            via: 'project',
            function: 'min',
            field: 'due',
          },
        ],
      },
      {
        key: 'task',
        label: l('任务', 'Task'),
        description: l('要做的事', 'Something to do'),
        displayField: 'title',
        fields: [
          { key: 'title', type: 'text', label: l('标题', 'Title'), required: true, maxLength: 10 },
          { key: 'notes', type: 'long_text', label: l('备注', 'Notes') },
          { key: 'body', type: 'rich_text', label: l('正文', 'Body') },
          { key: 'hours', type: 'integer', label: l('工时', 'Hours'), min: 0 },
          { key: 'cost', type: 'currency', label: l('成本', 'Cost'), currencyCode: 'CNY', scale: 2 },
          { key: 'share', type: 'percent', label: l('占比', 'Share'), scale: 1 },
          { key: 'done', type: 'boolean', label: l('完成', 'Done'), default: false },
          { key: 'due', type: 'date', label: l('到期', 'Due') },
          { key: 'started', type: 'datetime', label: l('开始', 'Started') },
          {
            key: 'status',
            type: 'single_select',
            label: l('状态', 'Status'),
            default: 'open',
            options: [
              { key: 'open', label: l('打开', 'Open') },
              { key: 'closed', label: l('关闭', 'Closed'), color: '#00aa00', active: false },
            ],
          },
          {
            key: 'tags',
            type: 'multi_select',
            label: l('标签', 'Tags'),
            options: [
              { key: 'a', label: l('甲', 'A') },
              { key: 'b', label: l('乙', 'B') },
            ],
          },
          { key: 'contact', type: 'email', label: l('邮箱', 'Email') },
          { key: 'phone', type: 'phone', label: l('电话', 'Phone') },
          { key: 'site', type: 'url', label: l('网站', 'Website') },
          { key: 'project', type: 'lookup', label: l('项目', 'Project'), target: 'project' },
          { key: 'owner', type: 'user', label: l('负责人', 'Owner'), default: { var: '$user.id' } },
          { key: 'double', type: 'formula', label: l('双倍', 'Double'), resultType: 'integer', expression: { '*': [{ var: 'hours' }, 2] } },
          { key: 'due_copy', type: 'formula', label: l('到期副本', 'Due copy'), resultType: 'date', expression: { var: 'due' } },
          { key: 'files', type: 'attachment', label: l('附件', 'Files') },
        ],
      },
    ],
    forms: [],
    views: [],
    rules: [],
    workflows: [],
    roles: [],
  };
}

const toolkit = metadataToolkit(createRegistries());
const doc = buildOpenApiDocument(snapshotOf(projectBundle()), toolkit.registries);
const validator = new ComponentValidator(doc);
const schemas = doc.components.schemas as Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }>;
const system = {
  id: '0123456789abcdef01234567',
  _version: 2,
  _createdAt: '2026-11-23T08:00:00.000Z',
  _updatedAt: '2026-11-23T09:00:00.000Z',
  _createdBy: 'system',
  _updatedBy: 'system',
  _ownerId: 'system',
};
const task = {
  ...system,
  title: 'Paint',
  notes: null,
  body: '<p>walls</p>',
  hours: 3,
  cost: '10.00',
  share: '12.5',
  done: false,
  due: '2026-03-01',
  started: '2026-03-01T08:00:00.000Z',
  status: 'closed',
  tags: ['a'],
  contact: 'ann@example.com',
  phone: '+86 10 1234 5678',
  site: 'https://example.com/a',
  project: 'aaaaaaaaaaaaaaaaaaaaaaaa',
  owner: 'system',
  double: 6,
  due_copy: '2026-03-01',
  files: [{ id: 'f1', name: 'plan.pdf', size: 1024 }],
};
const project = {
  ...system,
  name: 'House',
  budget: '1000.500',
  code: 'P-00001',
  tasks_count: 2,
  hours_sum: '7',
  first_due: '2026-03-01T00:00:00.000Z',
};

describe('entity schemas', () => {
  it('come from a bundle that publishes', () => {
    expect(validateBundle(projectBundle(), toolkit.registries, toolkit.validator)).toEqual([]);
  });

  it.each([
    ['a task with every field', 'Task', task],
    [
      'a task with every field null',
      'Task',
      {
        ...system,
        ...Object.fromEntries(
          Object.keys(task)
            .filter((k) => !(k in system))
            .map((k) => [k, null]),
        ),
      },
    ],
    ['a task with only some fields (fields=)', 'Task', { ...system, title: 'Paint' }],
    ['a task in the recycle bin', 'Task', { ...system, _deletedAt: '2026-11-23T10:00:00.000Z' }],
    ['a task with its lookup expanded', 'Task', { ...task, _expanded: { project: { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', display: 'House' } } }],
    ['a project with roll-ups and an auto-number', 'Project', project],
    ['a list page', 'TaskList', { records: [task], nextCursor: 'abc', total: 1 }],
    ['a last page', 'ProjectList', { records: [], nextCursor: null }],
  ])('accept %s', (_what, name, answer) => {
    expect(validator.errors(name, answer)).toBeNull();
  });

  it.each([
    ['an unknown key', { ...task, colour: 'red' }],
    ['an option that does not exist', { ...task, status: 'maybe' }],
    ['a decimal as a number', { ...task, cost: 10 }],
    ['a date in another format', { ...task, due: '1 March 2026' }],
    ['a text where an integer belongs', { ...task, hours: '3' }],
    ['no _version', { ...task, _version: undefined }],
  ])('refuse a task with %s', (_what, answer) => {
    expect(validator.errors('Task', JSON.parse(JSON.stringify(answer)))).not.toBeNull();
  });

  it('carry labels in both languages, option labels, formats and decimal scales', () => {
    const t = schemas.Task!;
    expect(t).toMatchObject({ title: 'Task', 'x-label-zh-CN': '任务', description: 'Something to do', 'x-entity': 'task' });
    expect(t.properties.status).toMatchObject({
      title: 'Status',
      'x-label-zh-CN': '状态',
      enum: ['open', 'closed', null],
      'x-enum-labels': { open: l('打开', 'Open'), closed: l('关闭', 'Closed') },
      'x-enum-colors': { closed: '#00aa00' },
      'x-enum-retired': ['closed'],
    });
    expect(t.properties.contact).toMatchObject({ format: 'email' });
    expect(t.properties.site).toMatchObject({ format: 'uri' });
    expect(t.properties.due).toMatchObject({ format: 'date' });
    expect(t.properties.started).toMatchObject({ format: 'date-time' });
    expect(t.properties.cost).toMatchObject({
      type: ['string', 'null'],
      pattern: expect.any(String),
      'x-decimal': { scale: 2 },
      'x-currency': 'CNY',
    });
    expect(schemas.Project!.properties.budget).toMatchObject({ 'x-decimal': { scale: 3, precision: 12 } });
    expect(t.properties.double).toMatchObject({ readOnly: true, type: ['integer', 'null'] });
    expect(t.properties.project).toMatchObject({ 'x-lookup': { entity: 'project' } });
  });
});

describe('input schemas', () => {
  it('take the writable fields as the record validator does, null clearing a value', () => {
    expect(
      validator.errors('TaskInput', {
        title: 'Paint',
        cost: '10.5',
        due: '2026-03-01',
        tags: ['a', 'b'],
        notes: null,
        project: 'aaaaaaaaaaaaaaaaaaaaaaaa',
      }),
    ).toBeNull();
    expect(Object.keys(schemas.TaskInput!.properties)).not.toContain('double');
    expect(schemas.TaskInput!.properties.status).toMatchObject({ default: 'open', enum: ['open', 'closed', null] });
    expect(schemas.TaskInput!.properties.cost).toMatchObject({ pattern: '^-?\\d{1,16}(\\.\\d{1,2})?$', 'x-decimal': { scale: 2 } });
  });

  it('require on create only the required fields without a default', () => {
    expect(schemas.TaskInput!.required).toEqual(['title']);
    expect(schemas.TaskPatch!.required).toBeUndefined();
    expect(validator.errors('TaskInput', { cost: '1' })).not.toBeNull();
    expect(validator.errors('TaskPatch', { cost: '1' })).toBeNull();
    expect(validator.errors('TaskPatch', { title: null })).not.toBeNull();
  });

  it.each([
    ['a computed field', { double: 4 }],
    ['a system field', { _createdAt: '2026-01-01T00:00:00Z' }],
    ['too many decimals', { cost: '1.234' }],
    ['a text too long', { title: 'far too long a title' }],
    ['a bad lookup id', { project: 'nope' }],
  ])('refuse %s', (_what, body) => {
    expect(validator.errors('TaskPatch', body)).not.toBeNull();
  });

  it('allow _version in a patch, not on create', () => {
    expect(validator.errors('TaskPatch', { _version: 3, title: 'Paint' })).toBeNull();
    expect(validator.errors('TaskInput', { _version: 3, title: 'Paint' })).not.toBeNull();
  });
});
