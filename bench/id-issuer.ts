/**
 * ID issuer: a request for 1,000,000 identifiers, from creation (processImmediately) to a confirmed download.
 * The CSV is streamed: the server's peak RSS must stay under 300 MB and the whole journey under 5 s.
 * Next to it, a plain SHA-256 of the same bytes in this process: the floor for producing and hashing them.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, peakRssMb, round, startServer, stopServer } from './lib.js';

const QUANTITY = 1_000_000;

export async function idIssuer() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-idissuer-'));
  const server = await startServer({ SIM_DATA_DIR: dir });
  const c = new Client(server.base);
  c.token = 'sim-token-user-test-pl';
  const base = `${server.base}/id-issuer/api/v3/identifiers/unit`;
  try {
    const t0 = performance.now();
    const created = await fetch(`${base}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
      body: JSON.stringify({
        economicOperatorId: 'PWPK0000001', facilityId: 'PWPK0000002', processType: false, machineId: '',
        routeData: { intendedMarket: 'PL', intendedRoute: '', fromOutOfUE: false },
        productData: { cnCode: 'Code', productBrand: 'Brand', productType: 'Cigarette', productTypeDescription: '', productWeight: 15, euCegIdentifier: '12345-12-12345', euCegProductNumber: '12345678901', subTypeName: '', units: 10, optionalId: '' },
        reqQuantity: QUANTITY, processImmediately: true,
      }),
    });
    const { requestId } = await created.json();
    await c.advance(12_000); // processing, generation, synchronization (virtual time)
    const tDownload = performance.now();
    const res = await fetch(`${base}/${requestId}/csv?format=Full`, { headers: { authorization: `Bearer ${c.token}` } });
    if (res.status !== 200) throw new Error(`download ${res.status}`);
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.length;
      chunks.push(Buffer.from(chunk));
    }
    const downloadMs = performance.now() - tDownload;
    const checksum = hash.digest('hex');
    const confirmed = await fetch(`${base}/${requestId}/confirmation`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
      body: JSON.stringify({ checksum, format: 'Full' }),
    });
    if (confirmed.status !== 204) throw new Error(`confirmation ${confirmed.status}: ${await confirmed.text()}`);
    const st = await c.call('GET', `/id-issuer/api/v3/identifiers/unit/${requestId}`);
    if (st.status !== 'DownloadConfirmed') throw new Error(`status ${st.status}`);
    const journeyMs = performance.now() - t0;
    const rss = peakRssMb(server.child.pid!);

    // The floor: SHA-256 of the same bytes, already in memory, in this process.
    const all = Buffer.concat(chunks);
    const tHash = performance.now();
    const floorHex = createHash('sha256').update(all).digest('hex');
    const hashMs = performance.now() - tHash;
    if (floorHex !== checksum) throw new Error('checksum differs');
    const mb = bytes / 2 ** 20;
    return {
      identifiers: QUANTITY,
      csvMb: round(mb),
      journeyMs: round(journeyMs, 0),
      downloadMs: round(downloadMs, 0),
      csvMbPerS: round(mb / (downloadMs / 1000)),
      sha256MbPerS: round(mb / (hashMs / 1000)),
      csvVsSha256: round(mb / (downloadMs / 1000) / (mb / (hashMs / 1000)), 3),
      serverPeakRssMb: round(rss),
    };
  } finally {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}
