/**
 * The runtime index of codes: which sub-order a code belongs to, what happened to it. Rebuilt from the state and
 * the blobs at start-up, reset and scenario activation; kept current as reports succeed. Nothing here is persisted
 * by itself: state changes of codes are the effects of documents, stored in the documents' blobs.
 */
import { pmap } from '../../core/pmap.js';
import { MissingBlob, type BlobReader } from '../../core/store.js';
import type { DomainEvent, Index } from '../../core/system.js';
import type { CodeView, Found, ResolvedCode } from './machine.js';
import { codeStatus, generatedAt, orderKey } from './machine.js';
import { cryptoTail, decodeOperatorSerial, formatCode, operatorSerial, parseCode, SSCC_SHAPE, ssccOf } from './generate.js';
import type { McoiTimings } from './reference.js';
import { blobKey, type DocBlob, type Effect, type Mark, type McoiState, type Order, type SerialsBlob, type SubOrder, type Unit } from './state.js';

/** One event in a code's life. */
export interface CodeEvent {
  at: string;
  status?: string;
  /** What happened, as clients read a code history's eventType (observed #34). */
  type: CodeEventType;
  event: string;
  /** The order, pack or document that did it. */
  by?: string;
}

/** The kinds of a code's history: the order's (EMISSION, RECEIVING, CANCELLATION), then the documents'. */
export type CodeEventType = 'EMISSION' | 'RECEIVING' | 'CANCELLATION' | 'VALIDATION' | 'UTILISATION' | 'AGGREGATION' | 'DISAGGREGATION' | 'SALE' | 'RETURN';

export class CodeBook implements CodeView, Index {
  private subs = new Map<number, { orderId: string; sub: number }>();
  private selfMade = new Map<string, { seq: number; index: number }>();
  private serials = new Map<number, SerialsBlob>();
  private marks = new Map<number, Map<number, Mark>>();
  private units = new Map<string, Unit>();

  constructor(
    private readonly state: () => McoiState,
    private readonly blobs: BlobReader,
    private readonly now: () => number,
    private readonly timings: () => McoiTimings,
    /** How many times clients have read an order (progressions that wait for polls). */
    private readonly polls: (key: string) => number = () => 0,
  ) {}

  private get key(): number {
    return this.state().codeKey;
  }

  rebuild(): void {
    this.subs.clear();
    this.selfMade.clear();
    this.serials.clear();
    this.marks.clear();
    this.units.clear();
    const s = this.state();
    // A blob the state names but the store lacks is damage: fail loudly at start rather than forget effects or fail
    // a client later.
    for (const o of pmap.values(s.orders)) {
      if (!this.blobs.has(blobKey.orderBody(o.orderId))) throw new MissingBlob(blobKey.orderBody(o.orderId));
      this.addOrder(o);
    }
    const docs = [...pmap.values(s.documents)].sort((a, b) => a.seq - b.seq);
    for (const d of docs) {
      if (d.outcome !== 'ERROR') this.applyEffects(d.documentId, d.orgId, d.createdAt, this.blobs.require<DocBlob>(blobKey.doc(d.documentId)).effects);
      else if (!this.blobs.has(blobKey.doc(d.documentId))) throw new MissingBlob(blobKey.doc(d.documentId));
    }
  }

  /** A new order's codes, a report's effects: as soon as the mutation is staged (its blobs are readable at once). */
  apply(events: readonly DomainEvent[]): void {
    for (const e of events) {
      if (e.type === 'OrderRegistered') {
        const o = pmap.get(this.state().orders, String(e.orderId));
        if (o) this.addOrder(o);
      } else if (e.type === 'ReportRegistered' && e.outcome !== 'ERROR') {
        const d = pmap.get(this.state().documents, String(e.documentId));
        if (d) this.applyEffects(d.documentId, d.orgId, d.createdAt, this.blobs.require<DocBlob>(blobKey.doc(d.documentId)).effects);
      }
    }
  }

  /** Indexes a new order's sub-orders (and their SELF_MADE serials, read from blobs). */
  private addOrder(o: Order): void {
    o.subOrders.forEach((sub, i) => {
      this.subs.set(sub.seq, { orderId: o.orderId, sub: i });
      if (sub.serialNumberType !== 'SELF_MADE' || sub.rejectionReason !== undefined) return;
      const blob = this.blobs.require<SerialsBlob>(blobKey.serials(sub.seq));
      this.serials.set(sub.seq, blob);
      blob.serials.forEach((sn, index) => this.selfMade.set(sub.gtin + sn, { seq: sub.seq, index }));
    });
  }

  private locate(seq: number): { order: Order; sub: SubOrder } | undefined {
    const at = this.subs.get(seq);
    if (!at) return undefined;
    const order = pmap.get(this.state().orders, at.orderId);
    return order ? { order, sub: order.subOrders[at.sub] } : undefined;
  }

  serialOf(sub: SubOrder, index: number): string {
    return sub.serialNumberType === 'SELF_MADE' ? (this.serials.get(sub.seq)?.serials[index] ?? '') : operatorSerial(this.key, sub.seq, index);
  }

  cryptoOf(sub: SubOrder, index: number, serial: string): string {
    return this.serials.get(sub.seq)?.cryptos?.[index] ?? cryptoTail(this.key, sub.gtin, serial);
  }

  /** The full codes [from, to) of a sub-order, as GET /api/codes returns them. */
  codes(sub: SubOrder, from: number, to: number): string[] {
    const out = new Array<string>(to - from);
    for (let i = from; i < to; i++) {
      const serial = this.serialOf(sub, i);
      out[i - from] = formatCode(sub.gtin, serial, this.cryptoOf(sub, i, serial));
    }
    return out;
  }

  private refOf(gtin: string, serial: string): { seq: number; index: number } | undefined {
    const own = this.selfMade.get(gtin + serial);
    if (own) return own;
    const dec = decodeOperatorSerial(this.key, serial);
    if (!dec) return undefined;
    const at = this.locate(dec.seq);
    if (!at || at.sub.gtin !== gtin || at.sub.serialNumberType !== 'OPERATOR' || dec.index >= at.sub.quantity) return undefined;
    return dec;
  }

  resolve(code: string): ResolvedCode | { missing: 'INVALID_CODE_FORMAT' | 'CODE_NOT_FOUND' } {
    const p = parseCode(code);
    if (!p) return { missing: 'INVALID_CODE_FORMAT' };
    const ref = this.refOf(p.gtin, p.serial);
    const at = ref && this.locate(ref.seq);
    if (!ref || !at) return { missing: 'CODE_NOT_FOUND' };
    const mark = this.marks.get(ref.seq)?.get(ref.index);
    const status = codeStatus(at.order, at.sub, ref.index, mark, this.now(), this.timings(), this.polls(orderKey(at.order.orderId)));
    if (status === null) return { missing: 'CODE_NOT_FOUND' };
    const cryptoOk = p.crypto === undefined || p.crypto === this.cryptoOf(at.sub, ref.index, p.serial);
    return { ref, order: at.order, sub: at.sub, status, mark, cryptoOk };
  }

  unit(key: string): Unit | undefined {
    return this.units.get(key);
  }

  /** An SSCC package's parent is kept on it; a GROUP or SET package is a code, whose mark keeps the parent. */
  parentOf(unit: Unit): string | undefined {
    if (unit.packageType !== 'GROUP' && unit.packageType !== 'SET') return unit.parent;
    const r = this.resolve(unit.key);
    return 'missing' in r ? undefined : r.mark?.parent;
  }

  /** The identification code of a code (01<GTIN>21<serial>, without the verification code). */
  identity(seq: number, index: number): string {
    const at = this.locate(seq);
    return at ? `01${at.sub.gtin}21${this.serialOf(at.sub, index)}` : '';
  }

  /** What a package holds now (its contents that did not move elsewhere or leave it): codes by identity, packages by serial. */
  contents(unit: Unit): string[] {
    if (unit.disaggregatedBy) return [];
    const out: string[] = [];
    for (const c of unit.children) {
      if ('unit' in c) {
        const child = this.units.get(c.unit);
        if (child && child.parent === unit.serial) out.push(child.serial);
      } else if (this.marks.get(c.ref[0])?.get(c.ref[1])?.parent === unit.serial) out.push(this.identity(c.ref[0], c.ref[1]));
    }
    return out;
  }

  serialTaken(gtin: string, serial: string): boolean {
    return this.refOf(gtin, serial) !== undefined;
  }

  private mark(seq: number, index: number): Mark {
    let m = this.marks.get(seq);
    if (!m) this.marks.set(seq, (m = new Map()));
    let k = m.get(index);
    if (!k) m.set(index, (k = {}));
    return k;
  }

  /** Applies a successful document's effects (at registration and when replaying at start-up). */
  private applyEffects(docId: string, orgId: number, at: number, effects: Effect[]): void {
    for (const e of effects) {
      if (e.kind === 'apply') {
        for (let i = 0; i < e.refs.length; i += 2) Object.assign(this.mark(e.refs[i], e.refs[i + 1]), { appliedBy: docId, appliedAt: at });
      } else if (e.kind === 'sell') {
        for (let i = 0; i < e.refs.length; i += 2) Object.assign(this.mark(e.refs[i], e.refs[i + 1]), { soldBy: docId, soldAt: at });
      } else if (e.kind === 'return') {
        for (let i = 0; i < e.refs.length; i += 2) Object.assign(this.mark(e.refs[i], e.refs[i + 1]), { returnedBy: docId, returnedAt: at });
      } else if (e.kind === 'validate') {
        for (let i = 0; i < e.refs.length; i += 2) Object.assign(this.mark(e.refs[i], e.refs[i + 1]), { validatedBy: docId, validatedAt: at, printQualityClass: e.classes[i / 2] });
      } else if (e.kind === 'aggregate') {
        for (const u of e.units) {
          // Blobs written before packages had keys and types name 18-digit SSCCs only.
          const key = u.key ?? ssccOf(u.serial) ?? u.serial;
          const packageType = u.packageType ?? (u.children.some((c) => 'unit' in c) ? 'BOX_LV_2' : 'BOX_LV_1');
          this.units.set(key, { serial: u.serial, key, packageType, orgId, docId, createdAt: at, capacity: u.capacity, codes: u.codes, children: u.children });
        }
        for (const u of e.units) {
          for (const c of u.children) {
            if ('unit' in c) {
              const child = this.units.get(c.unit);
              if (child) child.parent = u.serial;
            } else Object.assign(this.mark(c.ref[0], c.ref[1]), { parent: u.serial, aggregatedBy: docId, aggregatedAt: at });
          }
        }
      } else {
        for (const key of e.units) {
          const u = this.units.get(key);
          if (!u) continue;
          // Only what is still inside: a code moved to another package since (shouldBeUnbundled) stays there.
          for (const c of u.children) {
            if ('unit' in c) {
              const child = this.units.get(c.unit);
              if (child?.parent === u.serial) delete child.parent;
            } else {
              const m = this.marks.get(c.ref[0])?.get(c.ref[1]);
              if (m?.parent === u.serial) {
                delete m.parent;
                Object.assign(m, { disaggregatedBy: docId, disaggregatedAt: at });
              }
            }
          }
          Object.assign(u, { disaggregatedBy: docId, disaggregatedAt: at });
        }
      }
    }
  }

  /** What happened to a code, oldest first (the control plane's code view, and code information's codeHistory). */
  history(r: ResolvedCode): CodeEvent[] {
    const t = this.timings();
    const { order, sub, ref, mark } = r;
    const history: CodeEvent[] = [];
    const iso = (ms: number) => new Date(ms).toISOString();
    history.push({ at: iso(generatedAt(order, t)), status: 'EMITTED', type: 'EMISSION', event: 'generated in sub-order', by: order.orderId });
    const pack = sub.packs.find((p) => ref.index >= p.from && ref.index < p.from + p.quantity);
    if (pack) history.push({ at: iso(pack.at), status: 'RECEIVED', type: 'RECEIVING', event: 'unloaded in pack', by: pack.packId });
    else if (sub.closedAt !== undefined) history.push({ at: iso(sub.closedAt), status: 'CANCELLED', type: 'CANCELLATION', event: 'sub-order closed before unloading', by: order.orderId });
    if (mark?.validatedBy) history.push({ at: iso(mark.validatedAt!), type: 'VALIDATION', event: `print quality ${mark.printQualityClass} validated`, by: mark.validatedBy });
    if (mark?.appliedBy) history.push({ at: iso(mark.appliedAt!), status: 'APPLIED', type: 'UTILISATION', event: 'utilisation report', by: mark.appliedBy });
    if (mark?.aggregatedBy) history.push({ at: iso(mark.aggregatedAt!), type: 'AGGREGATION', event: mark.parent ? `aggregated into ${mark.parent}` : 'aggregated', by: mark.aggregatedBy });
    if (mark?.disaggregatedBy) history.push({ at: iso(mark.disaggregatedAt!), type: 'DISAGGREGATION', event: 'its package was disaggregated', by: mark.disaggregatedBy });
    if (mark?.soldBy) history.push({ at: iso(mark.soldAt!), status: 'WITHDRAWN', type: 'SALE', event: 'sold at a cash register', by: mark.soldBy });
    if (mark?.returnedBy) history.push({ at: iso(mark.returnedAt!), status: 'APPLIED', type: 'RETURN', event: 'returned at a cash register', by: mark.returnedBy });
    return history.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** A code or a package as a client names it (with or without GS and verification code; an SSCC of 18 or 20 digits). */
  lookup(code: string): Found | undefined {
    if (SSCC_SHAPE.test(code)) {
      const unit = this.units.get(ssccOf(code) ?? code);
      return unit && { sent: code, unit };
    }
    const r = this.resolve(code);
    if ('missing' in r || !r.cryptoOk) return undefined;
    return { sent: code, code: r, unit: this.units.get(this.identity(r.ref.seq, r.ref.index)) };
  }

  /** Everything known about one code, for the control plane. */
  describe(code: string): undefined | Record<string, unknown> {
    const r = this.resolve(code);
    if ('missing' in r) return undefined;
    const s = this.state();
    const { order, sub, ref, mark } = r;
    const serial = this.serialOf(sub, ref.index);
    const owner = s.world.organizations.find((o) => o.id === order.orgId);
    return {
      code: formatCode(sub.gtin, serial, this.cryptoOf(sub, ref.index, serial)),
      gtin: sub.gtin,
      serial,
      status: r.status,
      owner: { id: order.orgId, tin: owner?.tin ?? '' },
      orderId: order.orderId,
      productGroup: order.productGroup,
      cisType: sub.cisType,
      indexInSubOrder: ref.index,
      ...(mark?.printQualityClass ? { printQualityClass: mark.printQualityClass } : {}),
      ...(mark?.parent ? { parent: mark.parent } : {}),
      history: this.history(r),
    };
  }

  stats(): { subOrders: number; markedCodes: number; units: number } {
    let marked = 0;
    for (const m of this.marks.values()) marked += m.size;
    return { subOrders: this.subs.size, markedCodes: marked, units: this.units.size };
  }
}
