/**
 * The contracts as a third-party linter reads them (Redocly's `recommended` rules, through @redocly/openapi-core —
 * the engine of `redocly lint`): no error in any file of openapi/ read alone (a system's control routes refer into
 * control.yaml by file), nor in the control contract with every system's control routes merged in (what
 * GET /__sim/openapi/control.json serves). Warnings are printed, not failed.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfig, lint } from '@redocly/openapi-core';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { setup } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function problems(file: string) {
  const config = await createConfig({ extends: ['recommended'] });
  const found = await lint({ ref: file, config });
  const shown = (p: (typeof found)[number]) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`;
  const warnings = found.filter((p) => p.severity === 'warn').map(shown);
  if (warnings.length) console.info(`${file}: ${warnings.length} warnings\n  ${warnings.join('\n  ')}`);
  return found.filter((p) => p.severity === 'error').map(shown);
}

describe('the contracts pass Redocly\'s recommended lint with no error', () => {
  // Each file as a tool given it alone reads it: a system's control routes refer into control.yaml by file.
  const files = readdirSync(join(PROJECT_ROOT, 'openapi')).filter((f) => f.endsWith('.yaml'));
  it('finds every contract file (each system\'s and its control routes\', and the control plane\'s)', () => expect(files.length).toBeGreaterThanOrEqual(9));
  for (const file of files)
    it(`openapi/${file}`, async () => {
      expect(await problems(join(PROJECT_ROOT, 'openapi', file))).toEqual([]);
    });

  it('the control contract, every system\'s control routes merged in', async () => {
    const s = await setup();
    const file = join(dir, 'control.json');
    writeFileSync(file, JSON.stringify(s.sim.contracts.control.document));
    expect(await problems(file)).toEqual([]);
  });

  it('the lint can fail: a contract with an undefined $ref is refused', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, "openapi: 3.1.0\ninfo: { title: t, version: '1' }\nsecurity: []\npaths:\n  /x:\n    get:\n      operationId: x\n      responses:\n        '200': { $ref: '#/components/responses/Nope' }\n");
    expect((await problems(file)).join('\n')).toMatch(/no-unresolved-refs/);
  });
});
