/**
 * Code exports (observed #31, #33): POST /public/api/cod/exports registers a filter over the caller's own codes,
 * …/status follows it (IN_PROGRESS, then SUCCESS, or ERROR when it holds more than an export may), …/result is a ZIP
 * of one JSON `{"results": [...]}` in the owner's view of codes. Pure but for the code book it reads.
 */
import { pmap } from '../../core/pmap.js';
import type { DomainEvent } from '../../core/system.js';
import type { CodeBook } from './codes.js';
import { generatedAt, type Found } from './machine.js';
import { EXPORT_PROGRESSION, LIMITS, type McoiTimings } from './reference.js';
import type { UtilisationInput } from './reports.js';
import type { CodeExport, ExportFilter, McoiState, Order, User } from './state.js';

export type ExportStatus = 'IN_PROGRESS' | 'SUCCESS' | 'ERROR';

export const exportKey = (id: string) => `export:${id}`;

export function exportStatus(x: CodeExport, now: number, t: McoiTimings, polls = 0): ExportStatus {
  if (EXPORT_PROGRESSION.at({ since: x.createdAt, now, polls }, t) === 'IN_PROGRESS') return 'IN_PROGRESS';
  return x.count > LIMITS.codesPerExport ? 'ERROR' : 'SUCCESS';
}

/** Where a code came from, for the filters clients send: made in Uzbekistan (LOCAL) or not (FOREIGN). */
export const emissionTypeOf = (s: McoiState, gtin: string): 'LOCAL' | 'FOREIGN' => ((s.world.products.find((c) => c.gtin === gtin)?.manufacturerCountry ?? 'UZ') === 'UZ' ? 'LOCAL' : 'FOREIGN');

/**
 * The caller's organization's codes that match a filter, in order and sub-order order, at most `limit` of them;
 * `utilisation` reads the report that applied a code (its series).
 */
export function exportedCodes(s: McoiState, user: User, filter: ExportFilter, book: CodeBook, utilisation: (docId: string) => UtilisationInput | undefined, t: McoiTimings, limit: number): Found[] {
  const from = filter.emissionDateFrom !== undefined ? Date.parse(filter.emissionDateFrom) : -Infinity;
  const to = filter.emissionDateTo !== undefined ? Date.parse(filter.emissionDateTo) : Infinity;
  const out: Found[] = [];
  const orders = [...pmap.values(s.orders)].filter((o: Order) => o.orgId === user.orgId).sort((a, b) => a.createdAt - b.createdAt);
  for (const o of orders) {
    if (filter.productGroup !== undefined && o.productGroup !== filter.productGroup) continue;
    if (filter.originalReleaseMethod && !filter.originalReleaseMethod.includes(o.releaseMethodType)) continue;
    const emitted = generatedAt(o, t);
    if (emitted < from || emitted > to) continue;
    for (const sub of o.subOrders) {
      if (filter.gtin !== undefined && sub.gtin !== filter.gtin) continue;
      if (filter.emissionType && !filter.emissionType.includes(emissionTypeOf(s, sub.gtin))) continue;
      for (let i = 0; i < sub.quantity; i++) {
        const f = book.lookup(`01${sub.gtin}21${book.serialOf(sub, i)}`);
        if (!f?.code) break; // not generated (yet): none after it is either
        if (filter.status && !filter.status.includes(f.code.status)) continue;
        if (filter.packageType && !filter.packageType.includes(f.unit?.packageType ?? sub.cisType)) continue;
        if (filter.productSeries !== undefined) {
          const by = f.code.mark?.appliedBy;
          if (!by || utilisation(by)?.seriesNumber !== filter.productSeries) continue;
        }
        out.push(f);
        if (out.length >= limit) return out;
      }
    }
  }
  return out;
}

export function registerExport(s: McoiState, user: User, filter: ExportFilter, count: number, id: string, now: number): { state: McoiState; x: CodeExport; events: DomainEvent[] } {
  const x: CodeExport = { id, orgId: user.orgId, login: user.login, createdAt: now, filter, count };
  return { state: { ...s, exports: pmap.set(s.exports, id, x) }, x, events: [{ type: 'ExportRegistered', exportId: id, codes: count }] };
}
