import type { EventEmitter } from 'node:events';
import type { ChangeStream, Db } from 'mongodb';
import { ObjectId } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import { OUTBOX, type OutboxEvent } from '../audit/record-trail.js';
import type { Actor } from '../actor/actor.js';
import type { MetadataBus } from '../metadata/metadata-bus.js';
import type { MetadataCache } from '../metadata/metadata-cache.js';
import type { Logger } from '../observability/logger.js';
import { liveEventFor } from './live-event-view.js';

/** Where a subscriber's frames go (an HTTP response); the hub knows nothing of HTTP. */
export interface LiveSink {
  write(frame: string): void;
  end(): void;
}

export interface LiveEventsOptions {
  db: Db;
  cache: MetadataCache;
  registries: BundleRegistries;
  logger: Logger;
  bus?: MetadataBus | undefined;
  /** A comment line this often, so proxies and browsers keep an idle stream open. */
  heartbeatMs?: number;
  /** Streams one user may hold; a further one closes their oldest. */
  maxPerUser?: number;
  /** A stream is closed after this long; the browser reconnects with Last-Event-ID, signed in again. */
  maxAgeMs?: number;
  /** Events replayed on a resume at most; further behind, the client gets `reset`. */
  maxReplay?: number;
}

interface Subscriber {
  actor: Actor;
  sink: LiveSink;
  /**
   * Events already replayed to it, not to be sent again live. (Ids are no order to skip
   * by: ObjectIds made in different processes do not follow commit order.)
   */
  replayed: Set<string>;
  timers: NodeJS.Timeout[];
}

/** SSE frames. A record event carries its outbox id, so the browser's Last-Event-ID resumes from it. */
export const frame = {
  event: (event: string, data: unknown, id?: string) =>
    `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
  comment: (text: string) => `: ${text}\n\n`,
};

/**
 * Live record events for the browsers of this API process (ARCHITECTURE.md, How data
 * flows 5). One change stream on the outbox, opened while anyone listens, feeds every
 * subscriber; each event is filtered per user through the record engine
 * (live-event-view.ts) before it is written, in outbox commit order. A publish
 * (MetadataBus) sends `metadata` to everyone, so the runtime UI refetches its metadata.
 */
export class LiveEvents {
  private readonly subscribers = new Set<Subscriber>();
  private stream: ChangeStream<OutboxEvent> | undefined;
  private opening: Promise<void> | undefined;
  /** Dispatches and subscriptions run one after another, so every subscriber sees events in order. */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  /** Subscriptions under way: the change stream stays open for them even while no one is subscribed yet. */
  private pending = 0;

  constructor(private readonly options: LiveEventsOptions) {
    options.bus?.onChange((version) => this.broadcast(frame.event('metadata', { version })));
  }

  /** Subscribers now, for tests and metrics. */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Starts sending `actor`'s events to `sink`. With `lastEventId`, first replays what
   * they missed since (their view of it), or sends `reset` when that is too far back
   * or unknown, so the client refetches. Answers the function that ends the subscription.
   */
  async subscribe(actor: Actor, sink: LiveSink, lastEventId?: string): Promise<() => void> {
    if (this.closed) throw new Error('live events are closed');
    const { heartbeatMs = 15_000, maxAgeMs = 5 * 60_000 } = this.options;
    const subscriber: Subscriber = { actor, sink, replayed: new Set(), timers: [] };
    const end = () => this.remove(subscriber);
    sink.write(`retry: 3000\n${frame.comment('metacrm live events')}`);
    this.pending++;
    try {
      await this.ensureStream();
      const step = this.chain.then(async () => {
        await this.replay(subscriber, lastEventId);
        this.limitPerUser(actor.id);
        this.subscribers.add(subscriber);
      });
      // A failed replay fails this subscription only; the chain goes on for the others.
      this.chain = step.catch(() => undefined);
      await step;
    } finally {
      this.pending--;
    }
    subscriber.timers.push(setInterval(() => sink.write(frame.comment('ping')), heartbeatMs).unref());
    subscriber.timers.push(setTimeout(end, maxAgeMs).unref());
    sink.write(frame.event('ready', { resumed: lastEventId !== undefined }));
    return end;
  }

  /** Ends every stream and the change stream (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of [...this.subscribers]) this.remove(s);
    await this.stopStream();
  }

  private remove(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber) && subscriber.timers.length === 0) return;
    for (const t of subscriber.timers) clearTimeout(t);
    subscriber.timers = [];
    subscriber.sink.end();
    if (this.subscribers.size === 0 && this.pending === 0) void this.stopStream();
  }

  private limitPerUser(userId: string): void {
    const { maxPerUser = 5 } = this.options;
    const own = [...this.subscribers].filter((s) => s.actor.id === userId);
    for (const old of own.slice(0, Math.max(0, own.length - maxPerUser + 1))) {
      old.sink.write(frame.event('closed', { reason: 'TOO_MANY_STREAMS', max: maxPerUser }));
      this.remove(old);
    }
  }

  private broadcast(text: string): void {
    for (const s of this.subscribers) s.sink.write(text);
  }

  /** Opens the outbox change stream unless open, resolving once the server has started it. */
  private async ensureStream(): Promise<void> {
    if (this.stream) return;
    this.opening ??= new Promise<void>((resolve) => {
      const stream = this.options.db.collection<OutboxEvent>(OUTBOX).watch<OutboxEvent>([{ $match: { operationType: 'insert' } }]);
      this.stream = stream;
      // The cursor's first aggregate has been answered: from here on, no insert is missed.
      // (ChangeStream does not forward its cursor's `init`.)
      // Its internal cursor does; the public `resumeTokenChanged` follows the same answer
      // when the server sends a resume token, and a timeout covers the rest.
      (stream as unknown as { cursor?: EventEmitter }).cursor?.once('init', () => resolve());
      stream.once('resumeTokenChanged', () => resolve());
      // A server that never answers the opening aggregate must not hold the request forever.
      setTimeout(resolve, 5000).unref();
      stream.on('change', (change) => {
        if (change.operationType === 'insert') this.enqueue(change.fullDocument);
      });
      stream.on('error', (err: Error) => {
        this.options.logger.warn({ err: err.message }, 'live events: the outbox change stream failed; streams are reset');
        resolve();
        void this.stopStream();
        // Events may have been missed: every client refetches, and reconnects to a new stream.
        for (const s of [...this.subscribers]) {
          s.sink.write(frame.event('reset', { reason: 'STREAM_FAILED' }));
          this.remove(s);
        }
      });
    }).finally(() => (this.opening = undefined));
    await this.opening;
  }

  private async stopStream(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch(() => undefined);
  }

  private enqueue(event: OutboxEvent): void {
    this.chain = this.chain
      .then(() => this.dispatch(event))
      .catch((err: unknown) => this.options.logger.error({ err }, 'live events: dispatch failed'));
  }

  /** One event to every subscriber who may see it; decided once per user, written to each of their streams. */
  private async dispatch(event: OutboxEvent): Promise<void> {
    const id = event._id.toHexString();
    const byUser = new Map<string, Subscriber[]>();
    for (const s of this.subscribers) if (!s.replayed.delete(id)) byUser.set(s.actor.id, [...(byUser.get(s.actor.id) ?? []), s]);
    if (byUser.size === 0) return;
    const snapshot = await this.options.cache.current();
    for (const subscribers of byUser.values()) {
      const seen = await liveEventFor(this.options.db, snapshot, this.options.registries, subscribers[0]!.actor, event);
      if (seen) for (const s of subscribers) s.sink.write(frame.event('record', seen, id));
    }
  }

  /** What a resuming subscriber missed, in order; `reset` when it is unknown or too much. */
  private async replay(subscriber: Subscriber, lastEventId: string | undefined): Promise<void> {
    if (lastEventId === undefined) return;
    const { maxReplay = 200 } = this.options;
    const outbox = this.options.db.collection<OutboxEvent>(OUTBOX);
    const known =
      ObjectId.isValid(lastEventId) && /^[0-9a-f]{24}$/i.test(lastEventId)
        ? await outbox.findOne({ _id: new ObjectId(lastEventId) }, { projection: { _id: 1 } })
        : null;
    const missed = known
      ? await outbox
          .find({ _id: { $gt: known._id } })
          .sort({ _id: 1 })
          .limit(maxReplay + 1)
          .toArray()
      : [];
    if (!known || missed.length > maxReplay) {
      subscriber.sink.write(frame.event('reset', { reason: known ? 'TOO_FAR_BEHIND' : 'UNKNOWN_EVENT_ID' }));
      return;
    }
    const snapshot = await this.options.cache.current();
    for (const event of missed) {
      const id = event._id.toHexString();
      subscriber.replayed.add(id);
      const seen = await liveEventFor(this.options.db, snapshot, this.options.registries, subscriber.actor, event);
      if (seen) subscriber.sink.write(frame.event('record', seen, id));
    }
  }
}
