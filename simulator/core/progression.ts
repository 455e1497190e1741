/**
 * Statuses as data. A system declares, per kind of entity, which status may follow which (a transition table), and
 * the statuses an entity passes through while it is processed (a progression): each stage holds until a timing
 * elapses, then the next; after the last stage the entity is in one of its final statuses, which the system decides
 * (an order READY or REJECTED). Progressions are computed when read, from the clock, never by a timer.
 *
 * A timing is virtual milliseconds since the entity was made, or `{ afterPolls: N }`: the stage ends on the N-th read
 * of that entity by a client, whatever the clock (for client suites that cannot move the clock, as moto's
 * ManagedState). A stage waiting for polls counts as 0 ms for the clock-based stages after it.
 *
 * Every progression is checked against its table when it is declared (a stage may be followed by the next, the last
 * by each final status), and every status change a system reports in its events is checked by core when committed:
 * an illegal move fails loudly.
 *
 * @example
 * const ORDER = progression('order', ORDER_TRANSITIONS, [{ status: 'CREATED', until: 'orderPendingMs' }, { status: 'PENDING', until: 'orderReadyMs' }], ['READY', 'REJECTED']);
 * ORDER.at({ since: o.createdAt, now, polls }, timings) ?? finalStatusOf(o);
 */

/** A processing delay: virtual ms, or a number of client reads. */
export type Timing = number | { readonly afterPolls: number };

/** What may follow what, per status: the single source for every status change of one kind of entity. */
export type Transitions<S extends string = string> = { readonly [K in S]: readonly S[] };

export interface Stage<S extends string> {
  readonly status: S;
  /** When this stage ends: a timing by name, or fixed virtual ms (a window the document sets). */
  readonly until: string | number;
  /** What `until` counts from: the moment the entity was made (an age, the default) or the end of the stage before. */
  readonly from?: 'made' | 'previous';
}

/** When a progression is read: since the entity was made, now, and how many times a client has read it. */
export interface Moment {
  since: number;
  now: number;
  polls?: number;
}

export interface Progression<S extends string> {
  readonly entity: string;
  readonly stages: readonly Stage<S>[];
  readonly finals: readonly S[];
  /** The stage the entity is in, or undefined once every stage has ended (the caller decides the final status). */
  at(m: Moment, timings: Readonly<Record<string, Timing>>): S | undefined;
  /** When the clock ends the stages (Infinity while one waits for polls not yet made). */
  doneAt(m: Omit<Moment, 'now'>, timings: Readonly<Record<string, Timing>>): number;
}

/** The part of a timing the clock counts (a timing waiting for polls counts 0 ms). */
export const clockMs = (t: Timing | undefined): number => (typeof t === 'number' ? t : 0);

/** Whether a timing waits for polls. */
export const isPolled = (t: Timing | undefined): t is { readonly afterPolls: number } => typeof t === 'object' && t !== null;

/** Where each stage ends: a moment on the clock, or 'polls' while it waits for reads not yet made. */
function* ends<S extends string>(stages: readonly Stage<S>[], m: Omit<Moment, 'now'>, timings: Readonly<Record<string, Timing>>): Generator<{ status: S; end: number | 'polls' }> {
  let end = m.since;
  for (const st of stages) {
    const t = typeof st.until === 'number' ? st.until : timings[st.until];
    if (isPolled(t)) {
      if ((m.polls ?? 0) < t.afterPolls) yield { status: st.status, end: 'polls' };
      continue; // ended by polls: 0 ms for the clock
    }
    end = (st.from === 'previous' ? end : m.since) + clockMs(t);
    yield { status: st.status, end };
  }
}

/** Throws when a move is not in the table: the one check of every status change. */
export function checkTransition<S extends string>(entity: string, table: Transitions<S>, from: S, to: S): void {
  if (from === to) return;
  const next = table[from];
  if (!next) throw new Error(`${entity}: ${JSON.stringify(from)} is not a status of its transition table`);
  if (!next.includes(to)) throw new Error(`${entity}: ${from} → ${to} is not a legal move (from ${from}: ${next.join(', ') || 'none'})`);
}

/**
 * Declares a progression over a transition table; throws at once (at start) when the table does not allow it.
 */
export function progression<S extends string>(entity: string, table: Transitions<S>, stages: readonly Stage<S>[], finals: readonly S[]): Progression<S> {
  for (let i = 0; i < stages.length; i++) {
    const nexts = i + 1 < stages.length ? [stages[i + 1].status] : finals;
    for (const n of nexts) checkTransition(entity, table, stages[i].status, n);
  }
  return {
    entity,
    stages,
    finals,
    at(m, timings) {
      for (const e of ends(stages, m, timings)) if (e.end === 'polls' || m.now < e.end) return e.status;
      return undefined;
    },
    doneAt(m, timings) {
      let at = m.since;
      for (const e of ends(stages, m, timings)) {
        if (e.end === 'polls') return Infinity;
        at = Math.max(at, e.end);
      }
      return at;
    },
  };
}

/** The statuses a table names (its keys): the choices of a status filter, the enum of a contract. */
export const statusesOf = <T extends Readonly<Record<string, readonly string[]>>>(table: T): (keyof T & string)[] => Object.keys(table) as (keyof T & string)[];
