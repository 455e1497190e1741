/**
 * How MCOI's clients are graded (the report card, core/conformance.ts): the status polls of orders, reports,
 * documents and exports, and the rule that an order whose codes were all unloaded is closed.
 */
import { entry, mark, Recent, type Mark, type ConformanceDecl, type Observation, type PollDecl, type Rule } from '../../core/conformance.js';

/** The interval the simulator advises between two reads of one entity's status (the document gives none). */
export const ADVISED_POLL_MS = 1_000;

const body = (o: Observation) => (o.responseBody && typeof o.responseBody === 'object' ? (o.responseBody as Record<string, any>) : {});
const poll = (operationId: string, entity: (o: Observation) => unknown, status: (o: Observation) => unknown, moving: string[]): PollDecl => ({
  operationId,
  entity: (o) => (typeof entity(o) === 'string' ? `${operationId} ${entity(o) as string}` : undefined),
  status: (o) => (typeof status(o) === 'string' ? (status(o) as string) : undefined),
  moving,
  intervalMs: ADVISED_POLL_MS,
});

const unclosedOrder: Rule<Recent<string, Mark>> = {
  id: 'unclosed-order',
  statement: 'An order whose codes were all unloaded is closed (POST /api/order/close).',
  source: 'ASL BELGISI MCOI v1.1.17 §3.6 (closing an order: codes not unloaded are cancelled, the order leaves the issue server)',
  severity: 'error',
  memo: () => new Recent(256),
  see(open, o, v) {
    for (const e of o.events ?? []) {
      if (e.type === 'CodesReceived' && e.orderLeft === 0) open.set(String(e.orderId), mark(o));
      if (e.type === 'OrderClosed' && e.wholeOrder === true && open.delete(String(e.orderId))) v.exercised();
    }
  },
  open: (open) => [...open].map(([orderId, o]) => ({ note: `order ${orderId}: every code unloaded, the order never closed`, entries: [entry(o)] })),
};

export const mcoiConformance: ConformanceDecl = {
  rules: [unclosedOrder],
  signIns: ['authenticate', 'refreshApiKey'],
  // A sign-in names its user in the body (no credential yet).
  caller: (o) => {
    const login = o.operationId === 'authenticate' ? (o.requestBody as { login?: unknown } | undefined)?.login : undefined;
    return typeof login === 'string' ? { user: login } : undefined;
  },
  polls: [
    poll('listOrders', (o) => o.query.orderId, (o) => body(o).orderInfos?.[0]?.orderStatus, ['CREATED', 'PENDING']),
    poll('getUtilisationStatus', (o) => o.params.reportId, (o) => body(o).reportStatus, ['IN_PROCESS']),
    poll('getDocument', (o) => o.params.documentId, (o) => body(o).status, ['CREATED', 'VALIDATING', 'IN_PROCESS', 'PENDING']),
    poll('getExportStatus', (o) => o.params.exportId, (o) => body(o).status, ['IN_PROGRESS']),
  ],
};
