/**
 * What documents did to codes. The registry's codes derive from their batches (codes.ts); a document that changes a
 * code (an act moving it to another owner, a write-off, a receipt) appends an event to that code's entry in the
 * ledger, stamped with the moment it takes effect (the end of the document's processing on the virtual clock). A code
 * is its batch's defaults overridden by its latest event at or before now; its history is its events.
 *
 * Only changed codes are stored: a registry of a million codes with ten thousand moved by an act holds ten thousand
 * entries. Listings stay batch-level: a (batch, level) segment is split around its changed positions only.
 *
 * @example
 * const codes = new CodeView(book, state.codeChanges, now);
 * codes.status(ref); codes.owner(ref); codes.children(ref); codes.events(ref);
 */
import { pmap, type PMap } from '../../core/pmap.js';
import type { CodeBook, CodeRef } from './codes.js';
import type { Batch, CodeChanges, CodeEvent, Level } from './state.js';
import type { CodeStatus } from './reference.js';



/** What a code is at a moment. */
export interface CodeNow {
  status: CodeStatus;
  ownerBin: string;
  emissionType: 'LOCAL' | 'FOREIGN';
  detached: boolean;
  lastDocId?: string;
}

/** Changed positions of each (batch, level), sorted: made once per ledger (a ledger is immutable). */
interface ChangedIndex {
  segments: Map<string, { index: number; changes: CodeChanges }[]>;
  batches: Set<number>;
}
const indexes = new WeakMap<PMap<CodeChanges>, ChangedIndex>();
const segmentKey = (batch: number, level: Level) => `${batch}/${level}`;

export class CodeView {
  constructor(
    readonly book: CodeBook,
    readonly ledger: PMap<CodeChanges>,
    readonly now: number,
  ) {}

  /** The events of a code that have taken effect, oldest first. */
  events(r: CodeRef, at = this.now): CodeEvent[] {
    if (!this.ledger.n) return [];
    const c = pmap.get(this.ledger, this.book.cis(r));
    return c ? c.events.filter((e) => e.at <= at) : [];
  }

  /** A code at a moment: its batch's defaults, overridden by its latest event then. `at = Infinity`: once every
   * document in processing is done (what a new document's checks see). */
  state(r: CodeRef, at = this.now): CodeNow {
    const base: CodeNow = { status: r.batch.status, ownerBin: r.batch.ownerBin, emissionType: r.batch.emissionType, detached: false };
    // One lookup, not the whole-ledger index: a point query after every change must not rebuild it.
    return this.ledger.n ? fold(base, this.events(r, at)) : base;
  }

  status(r: CodeRef): CodeStatus {
    return this.state(r).status;
  }

  owner(r: CodeRef): string {
    return this.state(r).ownerBin;
  }

  /** Whether a participant may see a code at all: it produced it or owns it now (§1.8). */
  canSee(r: CodeRef, bin: string): boolean {
    return r.batch.producerBin === bin || this.owner(r) === bin;
  }

  parent(r: CodeRef, at = this.now): CodeRef | undefined {
    const p = this.book.parent(r);
    return p && !this.state(r, at).detached ? p : undefined;
  }

  children(r: CodeRef, at = this.now): CodeRef[] {
    const all = this.book.children(r);
    if (!all.length || !this.ledger.n || !this.changedBatches().has(r.batch.id)) return all;
    return all.filter((c) => !this.state(c, at).detached);
  }

  /** Consumer units inside a code now: its units, or the units of the children still in it. */
  unitsInside(r: CodeRef, at = this.now): number {
    if (r.level === 'unit') return 1;
    if (!this.ledger.n || !this.changedBatches().has(r.batch.id)) return this.book.unitsInside(r);
    return this.children(r, at).reduce((n, c) => n + this.unitsInside(c, at), 0);
  }

  /** A code and everything inside it now (the code first). */
  withDescendants(r: CodeRef, at = this.now): CodeRef[] {
    const out = [r];
    for (let i = 0; i < out.length; i++) out.push(...this.children(out[i], at));
    return out;
  }

  /** Changed positions of a batch's level (sorted), for listings. */
  changedIn(b: Batch, level: Level): { index: number; changes: CodeChanges }[] {
    return this.index().segments.get(segmentKey(b.id, level)) ?? [];
  }

  private changedBatches(): Set<number> {
    return this.index().batches;
  }

  private index(): ChangedIndex {
    let idx = indexes.get(this.ledger);
    if (!idx) {
      idx = { segments: new Map(), batches: new Set() };
      for (const c of pmap.values(this.ledger)) {
        const k = segmentKey(c.batch, c.level);
        let list = idx.segments.get(k);
        if (!list) idx.segments.set(k, (list = []));
        list.push({ index: c.index, changes: c });
        idx.batches.add(c.batch);
      }
      for (const list of idx.segments.values()) list.sort((a, b) => a.index - b.index);
      indexes.set(this.ledger, idx);
    }
    return idx;
  }

  /** A code after some of its events (its batch's defaults without any). */
  stateAfter(r: CodeRef, events: CodeEvent[]): CodeNow {
    return fold({ status: r.batch.status, ownerBin: r.batch.ownerBin, emissionType: r.batch.emissionType, detached: false }, events);
  }

  /** The state of a changed code at a moment (for listings that hold the entry already). */
  stateOf(b: Batch, c: CodeChanges, at = this.now): CodeNow {
    return fold({ status: b.status, ownerBin: b.ownerBin, emissionType: b.emissionType, detached: false }, c.events.filter((e) => e.at <= at));
  }
}

function fold(base: CodeNow, events: CodeEvent[]): CodeNow {
  let s = base;
  for (const e of events) s = { status: e.status, ownerBin: e.ownerBin, emissionType: e.emissionType ?? s.emissionType, detached: s.detached || !!e.detached, lastDocId: e.docId };
  return s;
}

/** The ledger with one more event for each code (a document's effect). */
export function record(ledger: PMap<CodeChanges>, book: CodeBook, changes: { ref: CodeRef; event: CodeEvent }[]): PMap<CodeChanges> {
  if (!changes.length) return ledger;
  return pmap.batch(ledger, (b) => {
    for (const { ref, event } of changes) {
      const key = book.cis(ref);
      const had = b.get(key);
      b.set(key, { batch: ref.batch.id, level: ref.level, index: ref.index, events: [...(had?.events ?? []), event] });
    }
  });
}
