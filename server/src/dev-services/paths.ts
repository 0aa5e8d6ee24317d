import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (this file is server/src/dev-services/paths.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The project-local Python virtual environment made by `npm run setup`. */
export const venvDir = path.join(repoRoot, '.venv');

/** SecantusDB's server launcher inside the project virtual environment. */
export const secantusBin = path.join(venvDir, 'bin', 'secantusd-py');
