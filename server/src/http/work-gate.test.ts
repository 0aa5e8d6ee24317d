import { describe, expect, it } from 'vitest';
import { InFlightCounters, WorkGate } from './work-gate.js';

const open = () => new AbortController().signal;

describe('WorkGate', () => {
  it('lets maxInFlight through, queues maxQueued first come first served, and refuses one more at once with SERVER_BUSY', async () => {
    const gate = new WorkGate({ maxInFlight: 2, maxQueued: 2, queueTimeoutMs: 60_000 });
    const first = await gate.enter(open());
    const second = await gate.enter(open());
    const order: string[] = [];
    const third = gate.enter(open()).then((leave) => (order.push('third'), leave));
    const fourth = gate.enter(open()).then((leave) => (order.push('fourth'), leave));
    await expect(gate.enter(open())).rejects.toMatchObject({ code: 'SERVER_BUSY', status: 503 });
    expect(gate.stats()).toEqual({ inFlight: 2, queued: 2, shed: 1 });
    first();
    first(); // giving back twice frees one place only
    (await third)();
    second();
    (await fourth)();
    expect(order).toEqual(['third', 'fourth']);
    expect(gate.stats()).toEqual({ inFlight: 0, queued: 0, shed: 1 });
  });

  it('refuses a request that waited queueTimeoutMs, and drops one whose client left from the queue', async () => {
    const gate = new WorkGate({ maxInFlight: 1, maxQueued: 5, queueTimeoutMs: 50 });
    const leave = await gate.enter(open());
    await expect(gate.enter(open())).rejects.toMatchObject({ code: 'SERVER_BUSY' });
    const client = new AbortController();
    const gone = gate.enter(client.signal);
    client.abort();
    await expect(gone).rejects.toMatchObject({ code: 'CLIENT_CLOSED_REQUEST' });
    expect(gate.stats()).toMatchObject({ inFlight: 1, queued: 0 });
    leave();
    expect(gate.stats()).toMatchObject({ inFlight: 0 });
  });
});

describe('InFlightCounters', () => {
  it("answers 429 TOO_MANY_IN_FLIGHT with Retry-After past a key's limit, per key", () => {
    const counters = new InFlightCounters();
    const leaves = [counters.enter('user:a', 2, 'user'), counters.enter('user:a', 2, 'user')];
    expect(() => counters.enter('user:a', 2, 'user')).toThrow(
      expect.objectContaining({ code: 'TOO_MANY_IN_FLIGHT', status: 429, details: { limit: 2, retryAfterSeconds: 1 } }),
    );
    const other = counters.enter('user:b', 2, 'user');
    leaves[0]!();
    leaves[0]!();
    const again = counters.enter('user:a', 2, 'user');
    expect(() => counters.enter('user:a', 2, 'user')).toThrow(expect.objectContaining({ code: 'TOO_MANY_IN_FLIGHT' }));
    for (const leave of [leaves[1]!, again, other]) leave();
  });
});
