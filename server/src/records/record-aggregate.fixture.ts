import type { Entity, Field } from '@metacrm/metadata';
import { deal, fieldTypes } from '../query/query.fixture.js';
import { parseAggregateRequest, type AggregatePlan } from './record-aggregate-request.js';

/** Test data for the aggregate unit tests: the query fixture's deal, its stages colored and ordered. */

export const NOW = new Date('2026-03-31T23:30:00.000Z');

export const entity: Entity = {
  ...deal,
  fields: deal.fields.map((f): Field =>
    f.key === 'stage'
      ? ({
          ...f,
          options: [
            { key: 'won', label: { 'zh-CN': '赢单', en: 'Won' }, color: '#22c55e', order: 2 },
            { key: 'new', label: { 'zh-CN': '新建', en: 'New' }, color: '#3b82f6', order: 1 },
            { key: 'lost', label: { 'zh-CN': '输单', en: 'Lost' }, order: 3 },
          ],
        } as Field)
      : f,
  ),
};

/** The plan of `body` over the fixture entity. */
export function plan(body: unknown, canRead?: (field: string) => boolean): AggregatePlan {
  return parseAggregateRequest(body, entity, { fieldTypes, now: NOW, ...(canRead ? { canRead } : {}) });
}
