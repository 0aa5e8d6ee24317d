import type { BundleRegistries } from '@metacrm/metadata';
import type { RecordEventSubscribers } from '../automation/record-events.js';
import type { RecordHooks } from '../records/record-hooks.js';
import type { JobHandlers } from '../queues/jobs.js';

/** What a plugin may extend: the registries, and nothing else. */
export interface PluginApi extends BundleRegistries {
  jobs: JobHandlers;
  recordHooks: RecordHooks;
  /** React to committed record events (at least once, in the worker). */
  recordEvents: RecordEventSubscribers;
}

/**
 * A plugin: a name and a `load` that registers field types, json-logic operations,
 * workflow triggers and actions, or job handlers. The core never imports a plugin;
 * the process entry point passes the plugins it runs with to startPlatform.
 */
export interface MetacrmPlugin {
  name: string;
  load(api: PluginApi): void | Promise<void>;
}

/** Loads plugins in order; a duplicate registration names the plugin that made it. */
export async function loadPlugins(plugins: readonly MetacrmPlugin[], api: PluginApi): Promise<void> {
  const names = new Set<string>();
  for (const plugin of plugins) {
    if (names.has(plugin.name)) throw new Error(`Plugin "${plugin.name}" is loaded twice`);
    names.add(plugin.name);
    try {
      await plugin.load(api);
    } catch (err) {
      throw new Error(`Plugin "${plugin.name}" failed to load: ${(err as Error).message}`, { cause: err });
    }
  }
}
