import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.js';
import { isPermanent } from './permanent.js';

describe('isPermanent', () => {
  it.each([
    ['an UnrecoverableError', new UnrecoverableError('bad job'), true],
    ['a 400', new AppError('BAD_REQUEST', 400, 'bad'), true],
    ['a 404', new AppError('ENTITY_NOT_FOUND', 404, 'gone'), true],
    ['a 422', new AppError('RECORD_INVALID', 422, 'invalid'), true],
    ['a 409 (a later attempt may win)', new AppError('RECORD_VERSION_CONFLICT', 409, 'conflict'), false],
    ['a 503', new AppError('DATABASE_UNAVAILABLE', 503, 'down'), false],
    ['a 500', new AppError('INTERNAL', 500, 'oops'), false],
    ['a plain error', new Error('ECONNRESET'), false],
    ['a thrown string', 'odd', false],
  ])('%s: %s', (_what, err, permanent) => {
    expect(isPermanent(err)).toBe(permanent);
  });
});
