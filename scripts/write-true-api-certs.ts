/**
 * Writes fixtures/true-api/certs/: the test CA's certificate and, for every participant of the default world, a
 * certificate and its private key (PEM) for seed 1, the default. Their keys are derived from the seed and the BIN
 * (TestPki.shippedKeys), so the files verify against the CA any simulator started with seed 1 derives.
 *
 * Run: npx tsx scripts/write-true-api-certs.ts (test/true-api/auth.test.ts signs in with every one of them).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { pemOfPrivateKey, TestPki } from '../simulator/systems/true-api/pki.js';
import type { WorldFixture } from '../simulator/systems/true-api/world.js';

const SEED = 1;
const dir = join(PROJECT_ROOT, 'fixtures', 'true-api', 'certs');
mkdirSync(dir, { recursive: true });
const world = JSON.parse(readFileSync(join(PROJECT_ROOT, 'fixtures', 'true-api', 'world.json'), 'utf8')) as WorldFixture;
const pki = new TestPki(SEED);
writeFileSync(join(dir, 'ca.crt.pem'), (await pki.authority()).certificate.toString('pem') + '\n');
for (const p of world.participants) {
  // 14 hex digits: never one of the 16-digit serials the control plane issues.
  const issued = await pki.issue(
    { bin: p.bin, iin: p.signer.iin, name: p.signer.name, organization: p.name },
    { serialNumber: `f0${p.bin}`, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2049-12-31T23:59:59Z'), keys: await pki.shippedKeys(p.bin) },
  );
  writeFileSync(join(dir, `${p.bin}.crt.pem`), issued.certificate.toString('pem') + '\n');
  writeFileSync(join(dir, `${p.bin}.key.pem`), await pemOfPrivateKey(issued.privateKey));
  console.log(`${p.bin}: ${issued.certificate.subject}`);
}
