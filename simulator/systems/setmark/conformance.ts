/**
 * How SetMark's clients are graded (the report card, core/conformance.ts). SetMark has no authentication: a caller is
 * the shop its request names (and the INN, when it sends one, its organization). The ERP polls erp/status for the packages it sent, and asks at all.
 */
import { obligation, type ConformanceDecl, type Observation } from '../../core/conformance.js';

/** The interval the simulator advises between two status reads of the same packages (the document gives none). */
export const ADVISED_POLL_MS = 1_000;

/** The loading calls whose packages are processed asynchronously (§1.3) and answered in erp/status (§2.11). */
const LOADING = new Set(['addMark', 'addRfid', 'addExcludes', 'addMrc', 'addAlcocodes']);

const fields = (b: unknown) => (b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {});
const shopOf = (o: Observation) => fields(o.requestBody).shop;

/** `shop/id` of each package an exchange loaded (opens) or asked about (closes); add_rfid packages have no shop. */
const loaded = (o: Observation) => {
  const b = fields(o.requestBody);
  return o.status === 200 && o.operationId && LOADING.has(o.operationId) && (typeof b.id === 'number' || typeof b.id === 'string') ? `${String(b.shop ?? '')}/${String(b.id)}` : undefined;
};
const asked = (o: Observation) => {
  const b = fields(o.requestBody);
  return o.status === 200 && o.operationId === 'packageStatus' && Array.isArray(b.id) ? b.id.slice(0, 10_000).flatMap((id) => [`${String(b.shop ?? '')}/${String(id)}`, `/${String(id)}`]) : undefined;
};

export const setmarkConformance: ConformanceDecl = {
  rules: [
    obligation({
      id: 'unchecked-package',
      statement: 'A package the ERP loaded is followed by erp/status for its id (loading is accepted at once and processed later).',
      source: 'SetMark API for ERP integration §1.3 (asynchronous processing) and §2.11 (Обратная связь для ERP)',
      opens: loaded,
      closes: asked,
      note: (key) => `package ${key.split('/')[1]} (shop ${key.split('/')[0] || 'none'}): loaded, its status never asked`,
    }),
  ],
  polls: [
    {
      operationId: 'packageStatus',
      entity: (o) => {
        const ids = fields(o.requestBody).id;
        return Array.isArray(ids) && ids.length ? `status shop ${String(shopOf(o) ?? '')} ${ids.slice(0, 100).map(String).sort().join(',')}` : undefined;
      },
      // Moving while any package asked for is still processed (status 2).
      status: (o) => {
        const packets = fields(o.responseBody).packets;
        return Array.isArray(packets) ? (packets.some((p) => fields(p).status === 2) ? 'processing' : 'done') : undefined;
      },
      moving: ['processing'],
      intervalMs: ADVISED_POLL_MS,
    },
  ],
  caller: (o) => {
    const b = fields(o.requestBody);
    const shop = b.shop ?? fields(o.query).shop;
    // The client is the shop (an ERP's packages and its cash registers' checks name the same shop, not always its
    // INN); the INN, when sent, is its organization.
    return shop === undefined ? undefined : { user: `shop ${String(shop)}`, ...(typeof b.inn === 'string' && b.inn ? { organization: b.inn } : {}) };
  },
};
