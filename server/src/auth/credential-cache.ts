import type { RedisChannel } from '../storage/redis-channel.js';
import type { Authenticated } from './authenticator.js';
import type { SecuritySettings } from './settings.js';

export interface CredentialCacheOptions {
  /** How long a resolved credential is trusted without reading it again (0: no cache). */
  ttlMs: number;
  /** At most this many credentials are held; the least recently used go first. */
  maxEntries: number;
}

export const DEFAULT_CREDENTIAL_CACHE: CredentialCacheOptions = { ttlMs: 10_000, maxEntries: 10_000 };

/** What `changed` publishes when the workspace's security settings change: every process drops all it holds. */
const EVERYONE = '*';

interface Entry {
  value: Authenticated;
  userId: string;
  expiresAt: number;
}

/**
 * The credentials this process resolved lately (session or API token, with its user),
 * keyed by the secret's hash, so a request does not read them again. Whatever changes
 * a user, their sessions or their tokens calls `changed(userId)`, which drops that
 * user's entries here and, through Redis, in every other process. While that channel
 * is down a process cannot hear of changes, so it holds nothing and reads every time.
 * A read that overlaps a change is not kept: every drop moves `generation` on.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  /** The security settings, read on a request by an admin without 2FA; kept as credentials are. */
  private settings: { value: SecuritySettings; expiresAt: number } | undefined;

  constructor(
    private readonly options: CredentialCacheOptions = DEFAULT_CREDENTIAL_CACHE,
    private readonly channel?: RedisChannel,
  ) {
    channel?.onMessage((userId) => (userId === EVERYONE ? this.clear() : this.drop(userId)));
    channel?.onReset(() => this.clear());
  }

  private get enabled(): boolean {
    return this.options.ttlMs > 0 && this.options.maxEntries > 0 && this.channel?.live === true;
  }

  /** A ticket to present to `set`: a read that began before a change must not be kept. */
  ticket(): number {
    return this.generation;
  }

  get(key: string, now = Date.now()): Authenticated | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry); // most recently used last
    return entry.value;
  }

  set(key: string, value: Authenticated, ticket: number, now = Date.now()): void {
    if (!this.enabled || ticket !== this.generation) return;
    this.entries.delete(key);
    this.entries.set(key, { value, userId: String(value.user._id), expiresAt: now + this.options.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /**
   * The workspace's security settings: kept like a credential (same lifetime, same
   * channel, nothing kept while it is down), so the 2FA rule for admins costs no read per
   * request. `settingsChanged` drops them here and everywhere.
   */
  async securitySettings(read: () => Promise<SecuritySettings>, now = Date.now()): Promise<SecuritySettings> {
    if (this.enabled && this.settings && this.settings.expiresAt > now) return this.settings.value;
    const ticket = this.generation;
    const value = await read();
    if (this.enabled && ticket === this.generation) this.settings = { value, expiresAt: now + this.options.ttlMs };
    return value;
  }

  /** The security settings changed: every process drops what it holds (settings and credentials). */
  async settingsChanged(): Promise<void> {
    this.clear();
    await this.channel?.publish(EVERYONE);
  }

  /** Something about this user, one of their sessions or tokens changed: drop it here and everywhere. */
  async changed(userId: unknown): Promise<void> {
    const id = String(userId);
    this.drop(id);
    await this.channel?.publish(id);
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(userId: string): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) if (entry.userId === userId) this.entries.delete(key);
  }

  private clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.settings = undefined;
  }
}
