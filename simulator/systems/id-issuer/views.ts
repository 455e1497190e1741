/**
 * The ID issuer's world as the dashboard shows it: unit-identifier requests with their identifiers, downloads and
 * confirmation, and the timeline of one identifier. Read-only views of the committed state.
 */
import { pmap } from '../../core/pmap.js';
import type { CodeTimeline, View } from '../../core/system.js';
import { decodeSerial, firstIdentifiers, productCode, SERIAL_LENGTH } from './generate.js';
import { clockMs } from '../../core/progression.js';
import { identifierContext } from './generate.js';
import { identifierStatus, passedAt, processedAt, requestStatus } from './machine.js';
import { REQUEST_STATUSES, type IdIssuerTimings } from './reference.js';
import type { IdIssuerState, UnitRequest } from './state.js';

export interface ViewDeps {
  state(): IdIssuerState;
  now(): number;
  timings(): IdIssuerTimings;
  /** How many times clients have read a request. */
  polls(r: UnitRequest): number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const SHOWN = 10;

/** What happened to a request, oldest first (its identifiers share it). */
function events(r: UnitRequest, s: IdIssuerState, now: number, t: IdIssuerTimings, polls: number): CodeTimeline['events'] {
  const out: CodeTimeline['events'] = [{ at: iso(r.createdAt), event: 'request created', status: 'New', by: r.createdBy }];
  if (r.canceledAt !== undefined) out.push({ at: iso(r.canceledAt), event: `cancelled: ${r.cancellation?.cancellationReason ?? ''}`, status: 'CanceledByClient' });
  else if (requestStatus(r, now, t, polls) !== 'New') {
    if (r.rejectionReason) out.push({ at: iso(processedAt(r, t)), event: `rejected: ${r.rejectionReason}`, status: 'Rejected' });
    else {
      out.push({ at: iso(processedAt(r, t)), event: 'accepted', status: 'Accepted' });
      if (requestStatus(r, now, t, polls) === 'PassedToGeneration') out.push({ at: iso(passedAt(r, t)), event: 'passed to generation', status: 'PassedToGeneration' });
      const id = identifierStatus(r, s.world, now, t, polls);
      const generated = passedAt(r, t) + clockMs(t.generationMs);
      if (id && id !== 'PassedToGeneration') out.push({ at: iso(generated), event: 'identifiers generated', status: 'Generated' });
      if (id === 'Synchronized' || id === 'CannotSynchronize' || r.downloadedAt !== undefined) out.push({ at: iso(generated + clockMs(t.synchronizationMs)), event: id === 'CannotSynchronize' ? 'could not synchronize' : 'synchronized with the router', status: id === 'CannotSynchronize' ? id : 'Synchronized' });
      if (r.downloadedAt !== undefined) out.push({ at: iso(r.downloadedAt), event: `downloaded (${Object.keys(r.downloads).join(', ')})`, status: 'Downloaded' });
      if (r.confirmedAt !== undefined) out.push({ at: iso(r.confirmedAt), event: 'download confirmed', status: 'DownloadConfirmed' });
    }
  }
  return out;
}

export function createViews(d: ViewDeps): { views: Record<string, View>; timeline(code: string): CodeTimeline | undefined } {
  const requests: View = {
    title: 'Unit identifier requests',
    columns: [
      { key: 'requestId', title: 'Request' },
      { key: 'economicOperatorId', title: 'Economic operator' },
      { key: 'facilityId', title: 'Facility' },
      { key: 'status', title: 'Status' },
      { key: 'identifiers', title: 'Identifiers' },
      { key: 'reqQuantity', title: 'Quantity' },
      { key: 'createdAt', title: 'Created' },
    ],
    statuses: REQUEST_STATUSES,
    count: () => pmap.size(d.state().requests),
    *rows() {
      const s = d.state();
      const now = d.now();
      const t = d.timings();
      for (const r of [...pmap.values(s.requests)].sort((a, b) => b.requestId - a.requestId)) {
        const status = requestStatus(r, now, t, d.polls(r));
        yield { id: String(r.requestId), status, cells: { requestId: r.requestId, economicOperatorId: r.economicOperatorId, facilityId: r.facilityId, status, identifiers: identifierStatus(r, s.world, now, t, d.polls(r)), reqQuantity: r.reqQuantity, createdAt: iso(r.createdAt) } };
      }
    },
    detail(id) {
      const s = d.state();
      const r = pmap.get(s.requests, id);
      if (!r) return undefined;
      const now = d.now();
      const t = d.timings();
      const ids = identifierStatus(r, s.world, now, t, d.polls(r));
      const codes = ids ? firstIdentifiers(identifierContext(s, r), 'WithoutProductCode', SHOWN) : [];
      return {
        title: `Request ${r.requestId}`,
        fields: {
          status: requestStatus(r, now, t, d.polls(r)),
          identifiers: ids,
          rejectionReason: r.rejectionReason ?? null,
          economicOperatorId: r.economicOperatorId,
          facilityId: r.facilityId,
          machineId: r.machineId,
          reqQuantity: r.reqQuantity,
          productBrand: r.productData.productBrand,
          createdBy: r.createdBy,
          createdAt: iso(r.createdAt),
          downloadedAt: r.downloadedAt === undefined ? null : iso(r.downloadedAt),
          confirmedAt: r.confirmedAt === undefined ? null : iso(r.confirmedAt),
        },
        sections: [
          { title: 'Downloads', columns: [{ key: 'format', title: 'Format' }, { key: 'sha256', title: 'SHA-256' }], rows: Object.entries(r.downloads).map(([format, sha256]) => ({ id: format, cells: { format, sha256: sha256 ?? null } })) },
          { title: `First identifiers (of ${r.reqQuantity})`, columns: [{ key: 'ui', title: 'Unit identifier' }], rows: codes.map((ui) => ({ id: ui, cells: { ui } })) },
          { title: 'History', columns: [{ key: 'at', title: 'At' }, { key: 'event', title: 'Event' }], rows: events(r, s, now, t, d.polls(r)).map((e, i) => ({ id: String(i), cells: { at: e.at, event: e.event } })) },
        ],
        codes,
      };
    },
  };
  return {
    views: { requests },
    timeline(code) {
      const s = d.state();
      const iic = s.world.issuerIdentificationCode;
      if (!code.startsWith(iic)) return undefined;
      const at = decodeSerial(s.uiKey, code.slice(iic.length, iic.length + SERIAL_LENGTH));
      const r = at && pmap.get(s.requests, String(at.requestId));
      const now = d.now();
      const t = d.timings();
      if (!r || at.index >= r.reqQuantity) return undefined;
      const status = identifierStatus(r, s.world, now, t, d.polls(r));
      if (!status) return undefined;
      return {
        code: code.slice(0, iic.length + SERIAL_LENGTH),
        status,
        fields: { requestId: r.requestId, index: at.index, economicOperatorId: r.economicOperatorId, facilityId: r.facilityId, productCode: productCode(s.uiKey, r) },
        events: events(r, s, now, t, d.polls(r)),
      };
    },
  };
}
