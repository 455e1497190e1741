/**
 * The runtime index of codes: which sub-order a code belongs to, what happened to it. Rebuilt from the state and
 * the blobs at start-up, reset and scenario activation; kept current as reports succeed. Nothing here is persisted
 * by itself: state changes of codes are the effects of documents, stored in the documents' blobs.
 */
import { pmap } from '../../core/pmap.js';
import { MissingBlob, type BlobReader } from '../../core/store.js';
import type { CodeView, ResolvedCode } from './machine.js';
import { codeStatus } from './machine.js';
import { cryptoTail, decodeOperatorSerial, formatCode, operatorSerial, parseCode } from './generate.js';
import type { McoiTimings } from './reference.js';
import { blobKey, type DocBlob, type Effect, type Mark, type McoiState, type Order, type SerialsBlob, type SubOrder, type Unit } from './state.js';

export class CodeBook implements CodeView {
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
      if (d.outcome === 'SUCCESS') this.apply(d.documentId, d.orgId, d.createdAt, this.blobs.require<DocBlob>(blobKey.doc(d.documentId)).effects);
      else if (!this.blobs.has(blobKey.doc(d.documentId))) throw new MissingBlob(blobKey.doc(d.documentId));
    }
  }

  /** Indexes a new order's sub-orders (and their SELF_MADE serials, read from blobs). */
  addOrder(o: Order, serials?: Map<number, string[]>): void {
    o.subOrders.forEach((sub, i) => {
      this.subs.set(sub.seq, { orderId: o.orderId, sub: i });
      if (sub.serialNumberType !== 'SELF_MADE' || sub.rejectionReason !== undefined) return;
      const fresh = serials?.get(sub.seq);
      const blob: SerialsBlob = fresh ? { serials: fresh } : this.blobs.require<SerialsBlob>(blobKey.serials(sub.seq));
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
    const status = codeStatus(at.order, at.sub, ref.index, mark, this.now(), this.timings());
    if (status === null) return { missing: 'CODE_NOT_FOUND' };
    const cryptoOk = p.crypto === undefined || p.crypto === this.cryptoOf(at.sub, ref.index, p.serial);
    return { ref, order: at.order, sub: at.sub, status, mark, cryptoOk };
  }

  unit(serial: string): Unit | undefined {
    return this.units.get(serial);
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
  apply(docId: string, orgId: number, at: number, effects: Effect[]): void {
    for (const e of effects) {
      if (e.kind === 'apply') {
        for (let i = 0; i < e.refs.length; i += 2) Object.assign(this.mark(e.refs[i], e.refs[i + 1]), { appliedBy: docId, appliedAt: at });
      } else if (e.kind === 'validate') {
        for (let i = 0; i < e.refs.length; i += 2) Object.assign(this.mark(e.refs[i], e.refs[i + 1]), { validatedBy: docId, validatedAt: at, printQualityClass: e.classes[i / 2] });
      } else {
        for (const u of e.units) this.units.set(u.serial, { serial: u.serial, orgId, docId, createdAt: at, capacity: u.capacity, codes: u.codes });
        for (const u of e.units) {
          for (const c of u.children) {
            if ('unit' in c) {
              const child = this.units.get(c.unit);
              if (child) child.parent = u.serial;
            } else Object.assign(this.mark(c.ref[0], c.ref[1]), { parent: u.serial, aggregatedBy: docId, aggregatedAt: at });
          }
        }
      }
    }
  }

  /** Everything known about one code, for the control plane. */
  describe(code: string): undefined | Record<string, unknown> {
    const r = this.resolve(code);
    if ('missing' in r) return undefined;
    const s = this.state();
    const t = this.timings();
    const { order, sub, ref, mark } = r;
    const serial = this.serialOf(sub, ref.index);
    const history: { at: string; status?: string; event: string; by?: string }[] = [];
    const iso = (ms: number) => new Date(ms).toISOString();
    history.push({ at: iso(order.createdAt + t.orderReadyMs), status: 'EMITTED', event: 'generated in sub-order', by: order.orderId });
    const pack = sub.packs.find((p) => ref.index >= p.from && ref.index < p.from + p.quantity);
    if (pack) history.push({ at: iso(pack.at), status: 'RECEIVED', event: 'unloaded in pack', by: pack.packId });
    else if (sub.closedAt !== undefined) history.push({ at: iso(sub.closedAt), status: 'CANCELLED', event: 'sub-order closed before unloading' });
    if (mark?.validatedBy) history.push({ at: iso(mark.validatedAt!), event: `print quality ${mark.printQualityClass} validated`, by: mark.validatedBy });
    if (mark?.appliedBy) history.push({ at: iso(mark.appliedAt!), status: 'APPLIED', event: 'utilisation report', by: mark.appliedBy });
    if (mark?.aggregatedBy) history.push({ at: iso(mark.aggregatedAt!), event: `aggregated into ${mark.parent}`, by: mark.aggregatedBy });
    history.sort((a, b) => a.at.localeCompare(b.at));
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
      history,
    };
  }

  stats(): { subOrders: number; markedCodes: number; units: number } {
    let marked = 0;
    for (const m of this.marks.values()) marked += m.size;
    return { subOrders: this.subs.size, markedCodes: marked, units: this.units.size };
  }
}
