/**
 * SetMark's world as the dashboard shows it: loading packages, the stock of marks, the violations journal, and the
 * timeline of a mark. Read-only views of the committed state.
 */
import { pmap } from '../../core/pmap.js';
import type { CodeTimeline, View } from '../../core/system.js';
import { findMark, onStock } from './machine.js';
import { packageStatus, pollKey } from './packages.js';
import { statusesOf } from '../../core/progression.js';
import { PACKAGE_TRANSITIONS, type SetmarkTimings } from './reference.js';
import type { PackageRecord, SetmarkState } from './state.js';

export interface ViewDeps {
  state(): SetmarkState;
  now(): number;
  timings(): SetmarkTimings;
  polls(key: string): number;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Package statuses as erp/status answers them (§2.11): 1 refused, 2 in processing, 3 done, 4 with errors, 5 failed. */
const PACKAGE_STATUSES = statusesOf(PACKAGE_TRANSITIONS).filter((x) => x !== '0');
const MARK_STATES = ['ACTIVE', 'SOLD', 'RETURNED', 'SOLD_IN_BLOCK', 'DISBANDED'] as const;

export function createViews(d: ViewDeps): { views: Record<string, View>; timeline(code: string): CodeTimeline | undefined } {
  const statusOf = (key: string, r: PackageRecord) => packageStatus(r, d.now(), d.timings(), d.polls(pollKey(key)));
  const packages: View = {
    title: 'Loading packages',
    columns: [
      { key: 'id', title: 'Package id' },
      { key: 'kind', title: 'Operation' },
      { key: 'shop', title: 'Shop' },
      { key: 'status', title: 'Status' },
      { key: 'errorCode', title: 'errorCode' },
      { key: 'count', title: 'Entities' },
      { key: 'receivedAt', title: 'Received' },
    ],
    statuses: PACKAGE_STATUSES,
    count: () => pmap.size(d.state().packages),
    *rows() {
      for (const [key, r] of [...pmap.entries(d.state().packages)].sort(([, a], [, b]) => b.receivedAt - a.receivedAt)) {
        const status = String(statusOf(key, r));
        yield { id: key, status, cells: { id: r.id, kind: r.kind, shop: r.shop, status, errorCode: status === '2' ? 0 : r.errorCode, count: r.count, receivedAt: iso(r.receivedAt) } };
      }
    },
    detail(id) {
      const r = pmap.get(d.state().packages, id);
      if (!r) return undefined;
      const done = statusOf(id, r) !== 2;
      return {
        title: `Package ${r.id} (shop ${r.shop ?? 'none'})`,
        fields: { id: r.id, kind: r.kind, shop: r.shop, status: done ? r.status : 2, errorCode: done ? r.errorCode : 0, count: r.count, times: r.times, receivedAt: iso(r.receivedAt), doneAt: iso(r.doneAt) },
        sections: [
          {
            title: 'Entity errors',
            columns: [{ key: 'field', title: 'Field' }, { key: 'value', title: 'Value' }, { key: 'errorCode', title: 'errorCode' }, { key: 'message', title: 'Message' }],
            rows: (done ? r.data : []).slice(0, 500).map((e, i) => ({ id: String(i), cells: { field: e.field, value: e.value, errorCode: e.errorCode, message: e.message } })),
          },
        ],
      };
    },
  };
  const stock: View = {
    title: 'Marks (stock)',
    columns: [
      { key: 'code', title: 'Mark' },
      { key: 'productType', title: 'Product type' },
      { key: 'shop', title: 'Shop' },
      { key: 'status', title: 'State' },
      { key: 'onStock', title: 'On stock' },
      { key: 'packetId', title: 'Package' },
    ],
    statuses: MARK_STATES,
    codeColumn: 'code',
    count: () => pmap.size(d.state().marks),
    *rows() {
      const now = d.now();
      for (const m of pmap.values(d.state().marks)) yield { id: m.code, status: m.state, cells: { code: m.code, productType: m.productType, shop: m.shop, status: m.state, onStock: onStock(m, now), packetId: m.packetId } };
    },
  };
  const journal: View = {
    title: 'Violations journal',
    columns: [
      { key: 'seq', title: '#' },
      { key: 'at', title: 'At' },
      { key: 'shop', title: 'Shop' },
      { key: 'cash', title: 'Cash' },
      { key: 'excise', title: 'Mark' },
      { key: 'errorCode', title: 'errorCode' },
      { key: 'message', title: 'Message' },
    ],
    codeColumn: 'excise',
    count: () => pmap.size(d.state().violations),
    *rows() {
      for (const v of [...pmap.values(d.state().violations)].sort((a, b) => b.seq - a.seq)) yield { id: String(v.seq), cells: { seq: v.seq, at: iso(v.at), shop: v.shop, cash: v.cash, excise: v.excise, errorCode: v.errorCode, message: v.message } };
    },
  };
  return {
    views: { packages, stock, journal },
    timeline(code) {
      const s = d.state();
      const m = findMark(s.marks, code);
      if (!m) return undefined;
      const events: CodeTimeline['events'] = [{ at: iso(m.from), event: m.packetId ? `loaded by package ${m.packetId}` : 'in the default world', status: 'ACTIVE' }];
      if (m.sale) events.push({ at: iso(m.sale.at), event: `sold at shop ${m.sale.shop}, cash ${m.sale.cash}, check ${m.sale.checkNumber}`, status: m.state });
      if (m.until !== undefined) events.push({ at: iso(m.until), event: 'taken off stock by a delete package' });
      for (const v of pmap.values(s.violations)) if (v.excise === m.code) events.push({ at: iso(v.at), event: `journal: ${v.errorCode} ${v.message}` });
      events.sort((a, b) => a.at.localeCompare(b.at));
      return {
        code: m.code,
        status: m.state,
        fields: { productType: m.productType, shop: m.shop, inn: m.inn ?? null, barcode: m.barcode ?? null, onStock: onStock(m, d.now()), parent: m.parent ?? null, reservedBy: pmap.get(s.reservedBy, m.code) ?? null },
        events,
      };
    },
  };
}
