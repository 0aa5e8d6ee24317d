import {
  SYSTEM_FIELDS,
  fieldTraits,
  isSystemField,
  type BundleRegistries,
  type ConfigurableDefinition,
  type Problem,
  type Workflow,
} from '@metacrm/metadata';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import { cronProblem, isTimeZone, type DueSettings } from './schedule-time.js';

/** The settings of a `schedule` trigger, as stored in the workflow. */
export interface ScheduleSettings {
  cron: string;
  timezone?: string;
  /** With the workflow's entity: one run per live record that matches (the filter language). */
  filter?: unknown;
}

/** The settings of a `date_field` trigger, as stored in the workflow. */
export interface DateFieldSettings extends DueSettings {
  field: string;
  /**
   * A record created or changed with its due time already past fires at once only if
   * that time is at most this many days ago (default 7; 0: never). So an import of old
   * contracts does not start a run for each.
   */
  catchUpDays?: number;
}

export const DEFAULT_CATCH_UP_DAYS = 7;

/** Trigger types the scheduler fires (the rest fire on events or calls). */
export const SCHEDULED_TRIGGERS: readonly string[] = ['schedule', 'date_field'];

export function isScheduled(workflow: Workflow): boolean {
  return SCHEDULED_TRIGGERS.includes(workflow.trigger.type);
}

const TIME_ZONE = { type: 'string', minLength: 1, maxLength: 64 } as const;

/**
 * `schedule`: runs on a cron (`0 9 * * 1-5`; 6 fields for seconds) in a time zone
 * (UTC by default). Without an entity, one run per occurrence with no record; with the
 * workflow's `entity`, one run per live record matching `filter`.
 */
export const SCHEDULE_TRIGGER: ConfigurableDefinition = {
  type: 'schedule',
  configSchema: {
    type: 'object',
    properties: {
      cron: { type: 'string', minLength: 9, maxLength: 200 },
      timezone: TIME_ZONE,
      filter: { $ref: 'https://metacrm.dev/schemas/common.schema.json#/$defs/filter' },
    },
    required: ['cron'],
    additionalProperties: false,
  },
  // With an entity, each firing reads the live records matching the filter in id order (fireCron).
  queries: (settings, workflow) =>
    workflow.entity === undefined
      ? []
      : [{ filter: (settings as unknown as ScheduleSettings).filter, sort: [{ field: '_id', direction: 'asc' }] }],
  check(settings, context) {
    const { cron, timezone, filter } = settings as unknown as ScheduleSettings;
    const problems = timeZoneProblems(timezone, context.at);
    const cronWrong = cronProblem(cron, timezone !== undefined && isTimeZone(timezone) ? timezone : 'UTC');
    if (cronWrong) problems.push({ pointer: `${context.at}/cron`, code: 'BAD_FORMAT', message: cronWrong });
    if (filter !== undefined) {
      const entity = context.workflow.entity;
      if (entity === undefined)
        problems.push({
          pointer: `${context.workflowAt}/entity`,
          code: 'REQUIRED',
          message: 'A schedule with a filter needs the entity whose records it selects',
        });
      else problems.push(...context.filterProblems(filter, entity, `${context.at}/filter`));
    }
    return problems;
  },
};

/**
 * `date_field`: a run per record of the workflow's entity when its date or datetime
 * `field`, moved by `offset` (30 days before: `{amount: -30, unit: "day"}`), arrives.
 * A date field's day starts at `at` (`09:00`, else midnight) in `timezone` (UTC by
 * default).
 */
export const DATE_FIELD_TRIGGER: ConfigurableDefinition = {
  type: 'date_field',
  configSchema: {
    type: 'object',
    properties: {
      field: { type: 'string', pattern: '^_?[a-zA-Z][a-zA-Z0-9_]*$', maxLength: 64 },
      offset: {
        type: 'object',
        properties: {
          amount: { type: 'integer', minimum: -1000, maximum: 1000 },
          unit: { enum: ['minute', 'hour', 'day', 'week', 'month'] },
        },
        required: ['amount', 'unit'],
        additionalProperties: false,
      },
      at: { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
      timezone: TIME_ZONE,
      catchUpDays: { type: 'integer', minimum: 0, maximum: 36_500 },
    },
    required: ['field', 'offset'],
    additionalProperties: false,
  },
  check(settings, context) {
    const { field, at, timezone } = settings as unknown as DateFieldSettings;
    const problems = timeZoneProblems(timezone, context.at);
    const entity = context.workflow.entity;
    if (entity === undefined) {
      problems.push({
        pointer: `${context.workflowAt}/entity`,
        code: 'REQUIRED',
        message: 'A date_field trigger needs the entity whose records it watches',
      });
      return problems;
    }
    // The value kind, not the type's name: a plugin's date type is watched as the built-in one is.
    const kind = context.valueKind(entity, field);
    if (kind === undefined)
      problems.push({
        pointer: `${context.at}/field`,
        code: 'UNKNOWN_FIELD',
        message: `"${field}" is not a field of ${entity}`,
        params: { entity, field },
      });
    else if ((kind !== 'date' && kind !== 'datetime') || field === '_deletedAt')
      problems.push({
        pointer: `${context.at}/field`,
        code: 'FIELD_TYPE_MISMATCH',
        message: `"${field}" must be a date or datetime field of ${entity}`,
      });
    else if (at !== undefined && kind !== 'date')
      problems.push({
        pointer: `${context.at}/at`,
        code: 'NOT_ALLOWED_VALUE',
        message: `"at" sets the time on a date field's day; "${field}" is a datetime, which has its own`,
      });
    return problems;
  },
  // Each tick reads the live records whose date falls in a window, in date order (fireDates).
  queries: (settings) => [{ sort: [{ field: (settings as unknown as DateFieldSettings).field, direction: 'asc' }] }],
};

function timeZoneProblems(timezone: string | undefined, at: string): Problem[] {
  if (timezone === undefined || isTimeZone(timezone)) return [];
  return [
    {
      pointer: `${at}/timezone`,
      code: 'NOT_ALLOWED_VALUE',
      message: `"${timezone}" is not an IANA time zone such as Asia/Shanghai or UTC`,
    },
  ];
}

/** Whether a `date_field` trigger's field holds calendar days or instants (at the snapshot's version). */
export function dateKind(
  snapshot: MetadataSnapshot,
  entity: string,
  field: string,
  fieldTypes?: BundleRegistries['fieldTypes'],
): 'date' | 'datetime' | undefined {
  let kind: string | undefined;
  if (isSystemField(field)) kind = SYSTEM_FIELDS[field];
  else {
    // The value kind, refined by the field's settings: a formula's is its result's.
    const found = snapshot.entity(entity)?.fields.find((f) => f.key === field);
    kind = found ? fieldTraits(found, fieldTypes)?.value : undefined;
  }
  return kind === 'date' || kind === 'datetime' ? kind : undefined;
}
