import { schemaPatternProblems, type ConfigurableDefinition } from '@metacrm/metadata';

/** A payload's size when the trigger does not say (`maxBytes`), and the most it may say. */
export const DEFAULT_WEBHOOK_BYTES = 256 * 1024;
export const MAX_WEBHOOK_BYTES = 1024 * 1024;
/** Calls per minute per webhook when the trigger does not say (`ratePerMinute`). */
export const DEFAULT_WEBHOOK_RATE = 60;

/** The settings of a `webhook` trigger, as stored in the workflow. */
export interface WebhookSettings {
  /** JSON Schema (2020-12) every payload must satisfy. */
  schema: Record<string, unknown> | boolean;
  maxBytes?: number;
  ratePerMinute?: number;
}

/**
 * `webhook`: a run per call of `POST /api/hooks/<workflow>.<secret>`, with the JSON
 * payload as `input` (no trigger record). The secret is issued by the platform
 * (`POST /api/workflows/{key}/webhook-secret`), never written in metadata. The schema
 * is checked against the JSON Schema meta-schema at publish.
 */
export const WEBHOOK_TRIGGER: ConfigurableDefinition = {
  type: 'webhook',
  configSchema: {
    type: 'object',
    properties: {
      schema: { $ref: 'https://json-schema.org/draft/2020-12/schema' },
      maxBytes: { type: 'integer', minimum: 1, maximum: MAX_WEBHOOK_BYTES },
      ratePerMinute: { type: 'integer', minimum: 1, maximum: 6000 },
    },
    required: ['schema'],
    additionalProperties: false,
  },
  check: (settings, { at }) => schemaPatternProblems(settings.schema, `${at}/schema`),
};
