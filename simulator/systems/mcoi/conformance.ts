/**
 * How MCOI's clients are graded (the report card, core/conformance.ts): the status polls of orders, reports,
 * documents and exports, and the rule that an order whose codes were all unloaded is closed.
 */
import { obligation, type ConformanceDecl, type Observation, type PollDecl } from '../../core/conformance.js';

/** The interval the simulator advises between two reads of one entity's status (the document gives none). */
export const ADVISED_POLL_MS = 1_000;

const body = (o: Observation) => (o.responseBody && typeof o.responseBody === 'object' ? (o.responseBody as Record<string, any>) : {});
const poll = (operationId: string, entity: (o: Observation) => unknown, status: (o: Observation) => unknown, moving: string[]): PollDecl => ({
  operationId,
  entity: (o) => {
    const id = entity(o);
    return typeof id === 'string' ? `${operationId} ${id}` : undefined;
  },
  status: (o) => {
    const s = status(o);
    return typeof s === 'string' ? s : undefined;
  },
  moving,
  intervalMs: ADVISED_POLL_MS,
});

/** The orders named by the exchange's events of a type (most exchanges have none). */
const orders = (o: Observation, type: string, match: (e: Record<string, unknown>) => boolean) => (o.events ? o.events.filter((e) => e.type === type && match(e)).map((e) => String(e.orderId)) : undefined);

export const mcoiConformance: ConformanceDecl = {
  rules: [
    obligation({
      id: 'unclosed-order',
      statement: 'An order whose codes were all unloaded is closed (POST /api/order/close).',
      source: 'ASL BELGISI MCOI v1.1.17 §3.6 (closing an order: codes not unloaded are cancelled, the order leaves the issue server)',
      opens: (o) => orders(o, 'CodesReceived', (e) => e.orderLeft === 0),
      closes: (o) => orders(o, 'OrderClosed', (e) => e.wholeOrder === true),
      note: (id) => `order ${id}: every code unloaded, the order never closed`,
    }),
  ],
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
