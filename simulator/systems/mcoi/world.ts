/**
 * Builds MCOI's initial state (and its blobs) from fixtures/mcoi/world.json: a pure function of the fixture and
 * the world's code key. Fixture orders may carry explicit codes (to reproduce the document's examples) or be
 * OPERATOR orders whose codes are derived like any other.
 */
import { pmap } from '../../core/pmap.js';
import type { WorldSeed } from '../../core/system.js';
import { CSET82 } from '../../core/gs1.js';
import { formatCode, cryptoTail, operatorSerial } from './generate.js';
import { LIMITS } from './reference.js';
import type { DocError } from './handbook.js';
import { blobKey, type ApiKey, type DocBlob, type DocMeta, type Effect, type McoiState, type Order, type SerialsBlob, type SubOrder, type User, type World } from './state.js';

type CodeRefFixture = { order: string; gtin: string; index: number };

export interface WorldFixture extends World {
  orders: (Omit<Order, 'createdAt' | 'closedAt' | 'subOrders'> & {
    createdAt: string;
    closedAt?: string;
    subOrders: (Omit<SubOrder, 'seq' | 'packs' | 'quantity' | 'closedAt'> & {
      quantity?: number;
      codes?: { serial: string; crypto?: string }[];
      packs: { packId: string; quantity: number; at: string }[];
      closedAt?: string;
    })[];
  })[];
  documents: (Omit<DocMeta, 'seq' | 'createdAt' | 'errorCount' | 'rejectReason'> & {
    createdAt: string;
    body: Record<string, unknown> & { sntins?: (string | CodeRefFixture)[] };
    errors: (Omit<DocError, 'propertyValue'> & { propertyValue?: string | CodeRefFixture })[];
  })[];
}

/** The users of a fixture or overlay without their API keys, and the keys (the world's own: they do not expire). */
export function splitKeys(users: User[]): { users: User[]; keys: ApiKey[] } {
  const keys: ApiKey[] = [];
  const seen = new Set<string>();
  const out = users.map(({ apiKey, ...u }) => {
    if (apiKey !== undefined) {
      if (seen.has(apiKey)) throw new Error(`API key ${apiKey.slice(0, 4)}… is given to more than one user`);
      seen.add(apiKey);
      keys.push({ key: apiKey, login: u.login });
    }
    return u;
  });
  return { users: out, keys };
}

export function buildWorld(f: WorldFixture, codeKey: number): WorldSeed<McoiState> {
  const blobs: Record<string, unknown> = {};
  const orders: Record<string, Order> = {};
  const where = new Map<string, { seq: number; index: number }>(); // code without crypto → position
  let seq = 1;
  for (const fo of f.orders) {
    const subOrders: SubOrder[] = fo.subOrders.map((fs) => {
      const sub: SubOrder = {
        seq: seq++,
        gtin: fs.gtin,
        quantity: fs.codes?.length ?? fs.quantity ?? 0,
        cisType: fs.cisType,
        serialNumberType: fs.serialNumberType,
        packs: [],
      };
      let from = 0;
      for (const p of fs.packs) {
        sub.packs.push({ packId: p.packId, from, quantity: p.quantity, at: Date.parse(p.at) });
        from += p.quantity;
      }
      if (fs.closedAt) sub.closedAt = Date.parse(fs.closedAt);
      if (fs.codes) {
        if (fs.serialNumberType !== 'SELF_MADE') throw new Error(`fixture ${fo.orderId}: explicit codes need SELF_MADE`);
        const serials: SerialsBlob = { serials: fs.codes.map((c) => c.serial), cryptos: fs.codes.map((c) => c.crypto ?? null) };
        serials.serials.forEach((sn, index) => {
          if (sn.length !== LIMITS.serialLength || !CSET82.test(sn)) throw new Error(`fixture ${fo.orderId}: bad serial ${sn}`);
          where.set(`01${fs.gtin}21${sn}`, { seq: sub.seq, index });
        });
        blobs[blobKey.serials(sub.seq)] = serials;
      }
      return sub;
    });
    const order: Order = { ...fo, createdAt: Date.parse(fo.createdAt), subOrders } as Order;
    if (fo.closedAt) order.closedAt = Date.parse(fo.closedAt);
    else delete order.closedAt;
    orders[order.orderId] = order;
    blobs[blobKey.orderBody(order.orderId)] = {
      productGroup: order.productGroup,
      releaseMethodType: order.releaseMethodType,
      products: subOrders.map((s) => ({ gtin: s.gtin, quantity: s.quantity, serialNumberType: s.serialNumberType, cisType: s.cisType })),
      ...(order.poNumber !== undefined ? { poNumber: order.poNumber } : {}),
      ...(order.businessPlaceId !== undefined ? { businessPlaceId: order.businessPlaceId } : {}),
    };
  }

  const codeOf = (c: string | CodeRefFixture): string => {
    if (typeof c === 'string') return c;
    const sub = orders[c.order]?.subOrders.find((s) => s.gtin === c.gtin);
    if (!sub) throw new Error(`fixture code refers to unknown sub-order ${c.order}/${c.gtin}`);
    const serial = operatorSerial(codeKey, sub.seq, c.index);
    where.set(`01${sub.gtin}21${serial}`, { seq: sub.seq, index: c.index });
    return formatCode(sub.gtin, serial, cryptoTail(codeKey, sub.gtin, serial));
  };

  const documents: Record<string, DocMeta> = {};
  let docSeq = 1;
  for (const fd of [...f.documents].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))) {
    const body = { ...fd.body, ...(fd.body.sntins ? { sntins: fd.body.sntins.map(codeOf) } : {}) };
    const errors: DocError[] = fd.errors.map(({ propertyValue, ...e }) => ({ ...e, ...(propertyValue !== undefined ? { propertyValue: codeOf(propertyValue) } : {}) }));
    const effects: Effect[] = [];
    if (fd.outcome === 'SUCCESS' && fd.type === 'UTILISATION') {
      const refs = (body.sntins as string[]).flatMap((c) => {
        const at = where.get(c.slice(0, 18 + LIMITS.serialLength));
        if (!at) throw new Error(`fixture document ${fd.documentId}: unknown code ${c}`);
        return [at.seq, at.index];
      });
      effects.push({ kind: 'apply', refs });
    }
    const { body: _b, errors: _e, createdAt, ...meta } = fd;
    documents[fd.documentId] = {
      ...meta,
      seq: docSeq++,
      createdAt: Date.parse(createdAt),
      errorCount: errors.length,
      ...(errors.length ? { rejectReason: errors.map((e) => `${e.errorCode}${e.propertyValue ? ` (${e.propertyValue})` : ''}`) } : {}),
    };
    blobs[blobKey.doc(fd.documentId)] = { body, errors, effects } satisfies DocBlob;
  }

  const { users, keys } = splitKeys(f.users);
  return {
    state: {
      world: { organizations: f.organizations, users, businessPlaces: f.businessPlaces, products: f.products },
      codeKey,
      orders: pmap.of(orders),
      nextSubSeq: seq,
      documents: pmap.of(documents),
      nextDocSeq: docSeq,
      sessions: {},
      apiKeys: pmap.of(Object.fromEntries(keys.map((k) => [k.key, k]))),
      exports: pmap.empty(),
    },
    blobs,
  };
}
