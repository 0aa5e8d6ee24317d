import { schemaPatternProblems, type ConfigurableDefinition } from '@metacrm/metadata';
import { DATE_FIELD_TRIGGER, SCHEDULE_TRIGGER } from './schedules/schedule-triggers.js';
import { WEBHOOK_TRIGGER } from './webhooks/webhook-trigger.js';

const FIELDS = { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' }, maxItems: 100, uniqueItems: true } as const;
const settings = (properties: Record<string, unknown> = {}) => ({ type: 'object', properties, additionalProperties: false });

/** The record event each record trigger listens to. */
export const RECORD_TRIGGERS: Record<string, string> = {
  record_created: 'record.create',
  record_updated: 'record.update',
  record_deleted: 'record.delete',
};

/**
 * The built-in triggers. Record triggers fire on committed record events of the
 * workflow's entity; `record_updated` may be limited to changes of named fields. The
 * workflow's `condition` (json-logic over `record`, `old`, `user`, `now`) is checked
 * when the event is matched. `schedule` and `date_field` are fired by the scheduler
 * (schedules/workflow-scheduler.ts).
 */
export const BUILT_IN_TRIGGERS: ConfigurableDefinition[] = [
  { type: 'record_created', configSchema: settings() },
  { type: 'record_updated', configSchema: settings({ fields: FIELDS }) },
  { type: 'record_deleted', configSchema: settings() },
  // `roles`: who besides administrators may start it (unset: anyone who may read its records).
  {
    type: 'manual',
    configSchema: settings({
      inputSchema: { type: 'object' },
      roles: {
        type: 'array',
        items: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 64 },
        minItems: 1,
        maxItems: 50,
        uniqueItems: true,
      },
    }),
    check: (s, { at }) => schemaPatternProblems(s.inputSchema, `${at}/inputSchema`),
  },
  WEBHOOK_TRIGGER,
  SCHEDULE_TRIGGER,
  DATE_FIELD_TRIGGER,
];
