/** Where the project's files are, whether running from simulator/*.ts (tsx, vitest) or dist/simulator/*.js. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the project root (package.json)');
    dir = up;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot();

/** The simulator's version, as package.json gives it (the HAR export's creator). */
export const SIMULATOR_VERSION: string = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
