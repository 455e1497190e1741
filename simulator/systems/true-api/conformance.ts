/**
 * How True API's clients are graded (the report card, core/conformance.ts): the status polls of code-list orders,
 * exports and imports, and the rule that a finished code-list order's result is downloaded.
 */
import { entry, mark, Recent, type Mark, type ConformanceDecl, type Observation, type Rule } from '../../core/conformance.js';

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

const undownloadedResult: Rule<Recent<string, Mark>> = {
  id: 'undownloaded-result',
  statement: 'A code-list order the client saw finish (SUCCESS) has its result downloaded (GET /cises/orders/{uuid}/result) before it expires.',
  source: 'Kazakhstan True API v2.22 §5.2–5.3 (the order is polled until SUCCESS, then its result is taken; the result is kept for a limited time)',
  severity: 'error',
  memo: () => new Recent(256),
  see(open, o, v) {
    const uuid = o.params.uuid === undefined ? undefined : String(o.params.uuid);
    if (uuid === undefined) return;
    if (o.operationId === 'codesOrderStatus' && o.status === 200 && status(o) === 'SUCCESS' && !open.has(uuid)) open.set(uuid, mark(o));
    if (o.operationId === 'codesOrderResult' && o.status === 200 && open.delete(uuid)) v.exercised();
  },
  open: (open) => [...open].map(([uuid, o]) => ({ note: `code-list order ${uuid}: finished, its result never downloaded`, entries: [entry(o)] })),
};

export const trueApiConformance: ConformanceDecl = {
  rules: [undownloadedResult],
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
