import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { DependencyMonitor } from './health.js';

describe('DependencyMonitor', () => {
  const late = async () => {
    throw new Error('database ping timed out after 1000 ms');
  };

  it('takes a late ping for busy, not down, while the dependency answers other commands', async () => {
    let replies = 0;
    const monitor = new DependencyMonitor({ database: late, redis: async () => undefined }, createLogger('silent'));
    monitor.watchProgress('database', () => replies);
    for (let i = 0; i < 3; i++) {
      replies += 10;
      await monitor.checkNow();
      expect(monitor.state('database')).toMatchObject({ ok: true, busy: true, error: 'database ping timed out after 1000 ms' });
    }
  });

  it('marks it down after two late pings with no other answer between them', async () => {
    const monitor = new DependencyMonitor({ database: late, redis: async () => undefined }, createLogger('silent'));
    monitor.watchProgress('database', () => 7);
    await monitor.checkNow();
    expect(monitor.state('database').ok).toBe(true);
    await monitor.checkNow();
    expect(monitor.state('database')).toMatchObject({ ok: false });
    expect(monitor.state('database').busy).toBeUndefined();
  });
});
