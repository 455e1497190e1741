#!/usr/bin/env node
// `npm start`'s prestart: builds dist/ with tsc only when a source under simulator/ (or the build config) is newer
// than the last build, so a start after no change costs milliseconds and `npm start` then runs the server itself.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const stamp = join(root, 'dist', '.built');
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs), 0);
const sources = Math.max(newest(join(root, 'simulator')), ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => statSync(join(root, f)).mtimeMs));
if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources && existsSync(join(root, 'dist', 'simulator', 'main.js'))) process.exit(0);
process.stderr.write('building dist/ (sources changed)\n');
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
writeFileSync(stamp, new Date().toISOString());
