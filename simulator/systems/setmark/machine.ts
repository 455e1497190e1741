/**
 * SetMark's rules, pure: (state, input, env) → new state and the events it caused. No HTTP, no I/O. What the rules
 * share is here (the environment, how SetMark reads a JSON value, the stock, the journal); the rules live by
 * resource: packages.ts (loading), checks.ts (cash/validate), receipts.ts (the POS and /external/save), reserves.ts.
 *
 * - A loading package is checked when it arrives: a header the service cannot take is status 1 (504) and a 400; else
 *   each entity is processed (errors 501/503/504/507, MRC 201–205 — the rest of the package goes on) and the
 *   package is status 2 until `packageProcessingMs` passes, then 3, or 4 with its entity errors. What it loads is on
 *   stock from the end of its processing.
 * - The stock per shop (and INN) follows §5.2: ACTIVE → SOLD → RETURNED, tobacco blocks SOLD_IN_BLOCK / DISBANDED.
 * - cash/validate checks in the order the digest gives: 11, 2/13/14 (5/15/16, 19), 3/18, 1/6/12, 9/10, 8/7.
 * - Receipts (the POS, played by the control plane, and /external/save) pass the pre-check (200–206, since 1.4) and
 *   are registered (100–110); every problem becomes a row of the violations journal.
 */
import { TIME_RANGE } from '../../core/clock.js';
import { pmap, type PMap } from '../../core/pmap.js';
import type { DomainEvent } from '../../core/system.js';
import { violationText } from './handbook.js';
import { atLeast, SINCE, type SetmarkTimings } from './reference.js';
import type { Mark, MarkState, SetmarkState, Violation } from './state.js';

export interface Profile {
  checkInn: boolean;
  checkBarcode: boolean;
  checkItem: boolean;
  checkAlcocode: boolean;
  strictCheck: boolean;
  productTypes: number[];
  version: string;
  packageMessage: 'table' | 'example';
  precheckCode: number;
  tillDateMs: boolean;
  successString: boolean;
  duplicate: 'overwrite' | 'reject';
}

export interface Env {
  now: number;
  timings: SetmarkTimings;
  profile: Profile;
  /** A forced outcome: the package ends in status 5 (1000). */
  packageFailed?: boolean;
}

/** A state and what happened (SetMark's domain events). */
export interface Changed {
  state: SetmarkState;
  events: DomainEvent[];
}

/** The moment of a package whose processing waits for polls (and of what it loads): after the end of virtual time. */
export const PENDING = TIME_RANGE.maxMs + 1;

export type Body = Record<string, unknown>;

/** A number as Jackson reads one: a JSON number, or a string of digits ("cash": "5"). */
export function num(x: unknown): number | undefined {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'string' && /^-?\d{1,18}(\.\d+)?$/.test(x.trim())) return Number(x.trim());
  return undefined;
}
export const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined);
export const shown = (x: unknown): string => (x === undefined || x === null ? 'null' : typeof x === 'string' ? x : JSON.stringify(x));
/** The document prints `barсode` and `strictСheck` with a Cyrillic letter in its field tables: both spellings are read. */
export const barcodeOf = (r: Body): string | undefined => str(r.barcode ?? r['barсode']);
export const strictOf = (r: Body): unknown => r.strictCheck ?? r['strictСheck'];
/** An element of a list read as an object (anything else: an empty one). */
export const record = (x: unknown): Body => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Body) : {});
export const nonEmpty = (x: unknown): string | undefined => {
  const v = str(x);
  return v && v.trim() ? v : undefined;
};

/** The stock key of a code: as sent, or without a symbology prefix and what follows a GS (a crypto-tail). */
export function codeKeys(code: string): string[] {
  const bare = code.replace(/^\](d2|C1|Q3|e0)/, '').split('\u001d')[0];
  return bare && bare !== code ? [code, bare] : [code];
}
export function findMark(marks: PMap<Mark>, code: string): Mark | undefined {
  for (const k of codeKeys(code)) {
    const m = pmap.get(marks, k);
    if (m) return m;
  }
  return undefined;
}

export const visible = (m: Mark | undefined, now: number): m is Mark => !!m && m.from <= now && (m.until === undefined || m.until > now);
/** On the stock of a shop now: loaded (processing over), not removed, and ACTIVE or RETURNED. */
export const onStock = (m: Mark | undefined, now: number): m is Mark => visible(m, now) && (m.state === 'ACTIVE' || m.state === 'RETURNED');

export const pre13 = (p: Profile) => !atLeast(p.version, SINCE.texts13);

/**
 * Marks that changed state — these and their tobacco blocks and packs — grouped by move (a receipt may sell a
 * hundred): the events of the stock (MARK_TRANSITIONS).
 */
export function markMoves(before: PMap<Mark>, after: PMap<Mark>, codes: Iterable<string>, why: string): DomainEvent[] {
  const moves = new Map<string, { from: MarkState; to: MarkState; codes: string[] }>();
  const family = new Set<string>();
  for (const code of codes) {
    family.add(code);
    const m = pmap.get(after, code);
    if (m?.parent) family.add(m.parent);
    for (const c of m?.children ?? []) family.add(c);
  }
  for (const code of family) {
    const a = pmap.get(before, code);
    const b = pmap.get(after, code);
    if (!a || !b || a.state === b.state) continue;
    const k = `${a.state}>${b.state}`;
    let m = moves.get(k);
    if (!m) moves.set(k, (m = { from: a.state, to: b.state, codes: [] }));
    m.codes.push(code);
  }
  return [...moves.values()].map((m) => ({ type: 'MarksChanged', entity: 'mark', from: m.from, to: m.to, why, count: m.codes.length, marks: m.codes.slice(0, 10) }));
}

// ---------------------------------------------------------------- the violations journal

export type NewViolation = Omit<Violation, 'seq' | 'message'> & { message?: string };

/** Rows appended to the journal (texts by the version profile). */
export function journal(s: SetmarkState, rows: NewViolation[], p: Profile): SetmarkState {
  if (!rows.length) return s;
  let violations = s.violations;
  let seq = s.seq;
  for (const r of rows) {
    seq++;
    violations = pmap.set(violations, String(seq), { ...r, seq, message: r.message ?? violationText(r.errorCode, pre13(p)) });
  }
  return { ...s, violations, seq };
}
