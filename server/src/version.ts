import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The platform version, from the root package.json. */
export const PLATFORM_VERSION: string = (require('../../package.json') as { version: string }).version;
