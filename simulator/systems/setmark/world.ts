/**
 * The default SetMark world from fixtures/setmark/world.json, and a scenario's overlay on it.
 */
import { pmap } from '../../core/pmap.js';
import { mergeByKey } from '../../core/scenario.js';
import { mrcErrors } from './packages.js';
import { validInn } from './reference.js';
import { parseCron } from './schedule.js';
import { emptyCollections, itemKey, mrcKey, type ErpConfig, type LegalEntity, type Mark, type MrcProduct, type SetmarkState, type Shop } from './state.js';

export interface WorldMark extends Omit<Mark, 'state' | 'from' | 'packetId'> {
  state?: Mark['state'];
}

export interface WorldFixture {
  entities: LegalEntity[];
  shops: Shop[];
  marks: WorldMark[];
  mrc: (Omit<MrcProduct, 'mrc'> & { mrc: { beginDate: string; endDate: string; price: number }[] })[];
  alcocodes: { shop: number; item: string; alcocodes: string[] }[];
  erp: ErpConfig;
}

const asMark = (w: WorldMark): Mark => ({ ...w, state: w.state ?? 'ACTIVE', from: 0, packetId: 0 });

function withMarks(s: SetmarkState, marks: WorldMark[]): SetmarkState {
  let m = s.marks;
  for (const w of marks) m = pmap.set(m, w.code, asMark(w));
  return { ...s, marks: m };
}

function withMrc(s: SetmarkState, list: WorldFixture['mrc']): SetmarkState {
  let mrc = s.mrc;
  for (const p of list) {
    const checked = mrcErrors(p as unknown as Record<string, unknown>);
    if (checked.errors.length) throw new Error(`mrc of ${p.barcode} in shop ${p.shop}: ${checked.errors.map((e) => `${e.errorCode} ${e.message}`).join('; ')}`);
    mrc = pmap.set(mrc, mrcKey(p.shop, p.barcode), { ...p, mrc: checked.periods });
  }
  return { ...s, mrc };
}

function withAlcocodes(s: SetmarkState, list: WorldFixture['alcocodes']): SetmarkState {
  let a = s.alcocodes;
  for (const x of list) a = pmap.set(a, itemKey(x.shop, x.item), x);
  return { ...s, alcocodes: a };
}

/** What is wrong with a world (an INN without its check digits, a shop of no entity, a mark in no shop, a bad cron). */
function check(s: SetmarkState): SetmarkState {
  for (const e of s.world.entities) if (!validInn(e.inn)) throw new Error(`INN ${e.inn} fails its check digits`);
  const shops = new Set(s.world.shops.map((x) => x.shop));
  for (const x of s.world.shops) if (!s.world.entities.some((e) => e.inn === x.inn)) throw new Error(`shop ${x.shop} belongs to INN ${x.inn}, which is not an entity of the world`);
  for (const m of pmap.values(s.marks)) if (!shops.has(m.shop)) throw new Error(`mark ${m.code} is on the stock of shop ${m.shop}, which is not in the world`);
  parseCron(s.erp.mrcCron);
  return s;
}

export function buildWorld(f: WorldFixture, nowMs: number): SetmarkState {
  const base: SetmarkState = {
    world: { entities: f.entities, shops: f.shops },
    erp: f.erp,
    ...emptyCollections(),
    outbox: pmap.empty(),
    deliveries: [],
    received: [],
    lastJournalAt: nowMs,
    lastMrcAt: nowMs,
    sinkAttempts: 0,
    seq: 0,
  };
  return check(withAlcocodes(withMrc(withMarks(base, f.marks), f.mrc), f.alcocodes));
}

export function overlay(s: SetmarkState, o: Record<string, unknown>): SetmarkState {
  let next: SetmarkState = {
    ...s,
    world: { entities: mergeByKey(s.world.entities, o.entities, 'inn'), shops: mergeByKey(s.world.shops, o.shops, 'shop') },
    erp: { ...s.erp, ...((o.erp as Partial<ErpConfig> | undefined) ?? {}) },
  };
  if (Array.isArray(o.marks)) next = withMarks(next, o.marks as WorldMark[]);
  if (Array.isArray(o.mrc)) next = withMrc(next, o.mrc as WorldFixture['mrc']);
  if (Array.isArray(o.alcocodes)) next = withAlcocodes(next, o.alcocodes as WorldFixture['alcocodes']);
  return check(next);
}
