import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractsOf, defaultCatalog } from '../simulator/app.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { variablesOf } from '../simulator/core/settings.js';
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
    for (const [key, e] of Object.entries(HANDBOOK)) expect(readme, key).toContain(`| ${e.errorCode} | ${e.status} | ${'code' in e ? `\`${e.code}\`` : '(none)'}`);
    for (const [key, e] of Object.entries(DOC_ERRORS)) expect(readme, key).toContain(`| \`${e.errorCode}\` | ${e.propertyName} |`);
  });

  it('lists the default credentials of every fixture user', () => {
    for (const u of world.users) expect(readme, u.login).toContain(`| \`${u.login}\` | \`${u.password}\` |`);
  });
});

describe('README tables, against what the systems declare', () => {
  const catalog = defaultCatalog();
  const scenariosReadme = readFileSync(join(PROJECT_ROOT, 'scenarios', 'README.md'), 'utf8');

  it('lists every system with its base', () => {
    for (const s of catalog.systems) expect(readme, s.id).toMatch(new RegExp(`\\| \`${s.id}\` \\|.*\`http://HOST:PORT${s.module.base}\``));
  });
  it('lists every setting, the systems\' switches included', () => {
    for (const v of variablesOf(catalog)) expect(readme, v.name).toContain(`| \`${v.name}\` |`);
  });
  it('lists every timing with its default', () => {
    for (const s of catalog.systems) for (const [name, t] of Object.entries(s.module.timings)) expect(readme, name).toContain(`| ${s.id} | \`${name}\` | ${t.default} | ${t.description} |`);
  });
  it('lists every control route, the systems\' included', () => {
    for (const op of contractsOf(catalog).control.operations) expect(readme, op.operationId).toContain(`${op.method.toUpperCase()} /__sim${op.path}`);
  });
  it('lists every forced outcome in scenarios/README.md', () => {
    for (const s of catalog.systems) for (const name of Object.keys(s.module.outcomes)) expect(scenariosReadme, name).toContain(`outcome: { ${name}`);
  });
  it('cites no path outside the repository', () => {
    for (const text of [readme, scenariosReadme]) expect(text).not.toMatch(/\.\.\/shared|observed\.md|shared\/seeds/);
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
