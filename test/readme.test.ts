import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { DOC_ERRORS, HANDBOOK } from '../simulator/systems/mcoi/handbook.js';
import world from '../fixtures/mcoi/world.json' with { type: 'json' };

const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('keeps its two set-up commands, and .ci/run runs the test one', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(readFileSync(join(PROJECT_ROOT, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('lists every MCOI handbook error and report error', () => {
    for (const [key, e] of Object.entries(HANDBOOK)) expect(readme, key).toContain(`| ${e.errorCode} | ${e.status} | \`${e.code}\``);
    for (const [key, e] of Object.entries(DOC_ERRORS)) expect(readme, key).toContain(`| \`${e.errorCode}\` | ${e.propertyName} |`);
  });

  it('lists the default credentials of every fixture user', () => {
    for (const u of world.users) expect(readme, u.login).toContain(`| \`${u.login}\` | \`${u.password}\` |`);
  });
});

describe('README for the ID issuer', () => {
  it('lists every handbook error, every token and every rejection reason', async () => {
    const { HANDBOOK: ID } = await import('../simulator/systems/id-issuer/handbook.js');
    const { REJECTION_REASONS } = await import('../simulator/systems/id-issuer/reference.js');
    const idWorld = (await import('../fixtures/id-issuer/world.json', { with: { type: 'json' } })).default;
    for (const [key, e] of Object.entries(ID)) expect(readme, key).toContain(`| ${e.status} | ${e.title} |`);
    for (const t of idWorld.tokens) expect(readme).toContain(`| \`${t.token}\` | \`${t.user}\` |`);
    for (const r of REJECTION_REASONS) expect(readme).toContain(`| ${r} |`);
  });
});
