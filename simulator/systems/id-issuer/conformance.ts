/**
 * How the ID issuer's clients are graded (the report card, core/conformance.ts): the status polls of requests and
 * their identifiers, and the rule that a downloaded identifiers file is confirmed with its SHA-256.
 */
import { obligation, type ConformanceDecl, type Observation } from '../../core/conformance.js';

/** The interval the simulator advises between two reads of one request's status (the document gives none). */
export const ADVISED_POLL_MS = 1_000;

const status = (o: Observation) => {
  const s = (o.responseBody as { status?: unknown } | undefined)?.status;
  return typeof s === 'string' ? s : undefined;
};
const request = (op: string) => (o: Observation) => (o.params.requestId === undefined ? undefined : `${op} ${String(o.params.requestId)}`);
/** The request of a successful exchange of this operation. */
const done = (operationId: string) => (o: Observation) => (o.operationId === operationId && o.status >= 200 && o.status < 300 && o.params.requestId !== undefined ? String(o.params.requestId) : undefined);

export const idIssuerConformance: ConformanceDecl = {
  rules: [
    obligation({
      id: 'unconfirmed-download',
      statement: 'A downloaded identifiers file is confirmed (PUT …/confirmation with the SHA-256 of the file).',
      source: 'Poland ID issuer API v3, "Confirm unit identifiers" (checksum: SHA256 of the csv file; status DownloadConfirmed)',
      opens: done('downloadUnitIdentifiers'),
      closes: done('confirmUnitIdentifiers'),
      note: (id) => `request ${id}: identifiers downloaded, never confirmed`,
    }),
  ],
  polls: [
    { operationId: 'getUnitRequest', entity: request('request'), status, moving: ['New'], intervalMs: ADVISED_POLL_MS },
    { operationId: 'getUnitIdentifiers', entity: request('identifiers'), status, moving: ['PassedToGeneration', 'Generated'], intervalMs: ADVISED_POLL_MS },
  ],
};
