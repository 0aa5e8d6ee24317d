/**
 * A name → item registry: field types, json-logic operations, workflow triggers and
 * actions, job handlers. Plugins extend the platform only by adding to registries.
 * Registering a key twice throws, unless the caller says it means to override.
 */
export class Registry<T> {
  private readonly items = new Map<string, T>();

  constructor(readonly kind: string) {}

  register(key: string, item: T, options: { override?: boolean } = {}): this {
    if (this.items.has(key) && !options.override) {
      throw new Error(`${this.kind} "${key}" is already registered`);
    }
    this.items.set(key, item);
    return this;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  /** Like get, but throws when the key is unknown. */
  require(key: string): T {
    const item = this.items.get(key);
    if (item === undefined) throw new Error(`Unknown ${this.kind} "${key}"`);
    return item;
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  entries(): [string, T][] {
    return [...this.items.entries()];
  }
}
