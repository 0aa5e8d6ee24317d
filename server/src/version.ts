import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './dev-services/paths.js';

/** The platform version, from the root package.json. */
export const PLATFORM_VERSION: string = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
