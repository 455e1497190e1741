/**
 * How True API's clients are graded (the report card, core/conformance.ts): the status polls of code-list orders,
 * exports and imports, and the rule that a finished code-list order's result is downloaded.
 */
import { obligation, type ConformanceDecl, type Observation } from '../../core/conformance.js';

/** The interval the simulator advises between two reads of one entity's status (the document gives none). */
export const ADVISED_POLL_MS = 1_000;

/** The status a read answered: a bare JSON string (§5.2) or an object's `status`. */
const status = (o: Observation) => {
  const b = o.responseBody;
  // The bare string is answered as its JSON text ("SUCCESS", quotes included).
  const s = typeof b === 'string' ? (/^"[A-Z_ ]*"$/.test(b) ? b.slice(1, -1) : b) : (b as { status?: unknown } | undefined)?.status;
  return typeof s === 'string' ? s : undefined;
};
const of = (op: string, param: string) => (o: Observation) => (o.params[param] === undefined ? undefined : `${op} ${String(o.params[param])}`);

const uuid = (o: Observation, operationId: string, when: boolean) => (o.operationId === operationId && o.status === 200 && when && o.params.uuid !== undefined ? String(o.params.uuid) : undefined);

export const trueApiConformance: ConformanceDecl = {
  rules: [
    obligation({
      id: 'undownloaded-result',
      statement: 'A code-list order the client saw finish (SUCCESS) has its result downloaded (GET /cises/orders/{uuid}/result) before it expires.',
      source: 'Kazakhstan True API v2.22 §5.2–5.3 (the order is polled until SUCCESS, then its result is taken; the result is kept for a limited time)',
      opens: (o) => uuid(o, 'codesOrderStatus', status(o) === 'SUCCESS'),
      closes: (o) => uuid(o, 'codesOrderResult', true),
      note: (id) => `code-list order ${id}: finished, its result never downloaded`,
    }),
  ],
  signIns: ['getAuthKey', 'simpleSignIn'],
  // A sign-in names its participant in the body (no credential yet).
  caller: (o) => {
    const inn = o.operationId === 'simpleSignIn' ? (o.requestBody as { inn?: unknown } | undefined)?.inn : undefined;
    return typeof inn === 'string' ? { user: inn } : undefined;
  },
  polls: [
    { operationId: 'codesOrderStatus', entity: of('order', 'uuid'), status, moving: ['NEW', 'IN_PROGRESS', 'PRODUCTION'], intervalMs: ADVISED_POLL_MS },
    { operationId: 'shipmentStatus', entity: of('shipment', 'shipmentId'), status, moving: ['CHECKING', 'SENT', 'WAITING_ACCEPTANCE'], intervalMs: ADVISED_POLL_MS },
    { operationId: 'importDocumentStatus', entity: of('import', 'doc_id'), status, moving: ['IN_PROGRESS'], intervalMs: ADVISED_POLL_MS },
  ],
};
