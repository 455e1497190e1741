/**
 * How the ID issuer's clients are graded (the report card, core/conformance.ts): the status polls of requests and
 * their identifiers, and the rule that a downloaded identifiers file is confirmed with its SHA-256.
 */
import { entry, mark, Recent, type Mark, type ConformanceDecl, type Observation, type Rule } from '../../core/conformance.js';

/** The interval the simulator advises between two reads of one request's status (the document gives none). */
export const ADVISED_POLL_MS = 1_000;

const status = (o: Observation) => {
  const s = (o.responseBody as { status?: unknown } | undefined)?.status;
  return typeof s === 'string' ? s : undefined;
};
const request = (op: string) => (o: Observation) => (o.params.requestId === undefined ? undefined : `${op} ${String(o.params.requestId)}`);

const unconfirmedDownload: Rule<Recent<string, Mark>> = {
  id: 'unconfirmed-download',
  statement: 'A downloaded identifiers file is confirmed (PUT …/confirmation with the SHA-256 of the file).',
  source: 'Poland ID issuer API v3, "Confirm unit identifiers" (checksum: SHA256 of the csv file; status DownloadConfirmed)',
  severity: 'error',
  memo: () => new Recent(256),
  see(open, o, v) {
    const id = o.params.requestId === undefined ? undefined : String(o.params.requestId);
    if (id === undefined || o.status < 200 || o.status > 299) return;
    if (o.operationId === 'downloadUnitIdentifiers' && !open.has(id)) open.set(id, mark(o));
    if (o.operationId === 'confirmUnitIdentifiers' && open.delete(id)) v.exercised();
  },
  open: (open) => [...open].map(([id, o]) => ({ note: `request ${id}: identifiers downloaded, never confirmed`, entries: [entry(o)] })),
};

export const idIssuerConformance: ConformanceDecl = {
  rules: [unconfirmedDownload],
  polls: [
    { operationId: 'getUnitRequest', entity: request('request'), status, moving: ['New'], intervalMs: ADVISED_POLL_MS },
    { operationId: 'getUnitIdentifiers', entity: request('identifiers'), status, moving: ['PassedToGeneration', 'Generated'], intervalMs: ADVISED_POLL_MS },
  ],
};
