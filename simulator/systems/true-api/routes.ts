/** Thin handlers, one per contract operation of True API: parse → rules → store → serialize. */
import { consumeChallenge, issueChallenge } from '../../core/challenge.js';
import { SimError } from '../../core/errors.js';
import { issueJwt } from '../../core/jwt.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SimRequest, SystemContext } from '../../core/system.js';
import { zipFiles } from '../../core/zip.js';
import { claimsOf, participantFor, signerOf, type Caller } from './auth.js';
import { HANDBOOK } from './handbook.js';
import { listCodes, type ListQuery } from './listing.js';
import { orderCodes, orderDoneAt, orderKey, orderStatus, resultCsv } from './machine.js';
import { productGroupId, productGroupName, type PackageType, type TrueApiTimings } from './reference.js';
import { contractFor, knownCode, layers, visibleCodes, type Registry } from './registry.js';
import { codeFields, listRow } from './serialize.js';
import type { CodesOrder, Contract, Participant, TrueApiState } from './state.js';

type Req = SimRequest<Caller>;
const callerOf = (req: Req) => (req.principal as Caller).participant;

/** 30 capital letters from a fresh id (the document's example data decodes to such a string). */
const challengeData = (hex: string) => Array.from({ length: 30 }, (_, i) => String.fromCharCode(65 + (parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 26))).join('');

/** The caller's code-list order named in the path; another participant's is as unknown as a missing one. */
function ownOrder(ctx: SystemContext<TrueApiState>, req: Req): CodesOrder {
  const uuid = String(req.params.uuid);
  const o = pmap.get(ctx.state().codesOrders, uuid);
  if (!o || o.bin !== callerOf(req).bin) throw new SimError(HANDBOOK.ORDER_NOT_FOUND, [uuid]);
  return o;
}

const balanceOf = (p: Participant, c: Contract) => ({ balance: c.balance, contractId: c.contractId, organisationId: p.organisationId, productGroupId: productGroupId(c.productGroup)! });

export function createHandlers(ctx: SystemContext<TrueApiState>, reg: Registry): Record<string, Handler<Caller>> {
  return {
    // §4.2 — a one-time challenge, committed (a 2xx is durable) and valid for authKeyTtlMs.
    getAuthKey: async () => {
      const { challenge } = await ctx.commit((s, tx) => {
        const r = issueChallenge(s.challenges, { id: tx.ids.uuid('challenge'), data: challengeData(tx.ids.hex('challenge-data', 60)), nowMs: ctx.now(), ttlMs: (ctx.timings() as TrueApiTimings).authKeyTtlMs });
        return { state: { ...s, challenges: r.challenges }, challenge: r.challenge, events: [{ type: 'AuthKeyIssued' }] };
      });
      return { body: { uuid: challenge.id, data: challenge.data } };
    },

    // §4.5 — the challenge is used once, whatever the outcome; the token replaces the participant's previous one.
    simpleSignIn: async (req) => {
      const body = req.body as { uuid?: string; UUID?: string; data?: string; inn?: string; unitedToken?: boolean | string };
      // Observed #37: a client of the Russian twin asks for the token in UUID form as well (`unitedToken: true`).
      const united = body.unitedToken === true || body.unitedToken === 'true';
      const uuid = body.uuid ?? body.UUID;
      if (uuid === undefined) throw new SimError(HANDBOOK.MISSING_PARAMETER, ['uuid']);
      if (body.data === undefined) throw new SimError(HANDBOOK.MISSING_PARAMETER, ['data']);
      const now = ctx.now();
      const lifetimeMs = (ctx.timings() as TrueApiTimings).tokenLifetimeMs;
      const challenges = ctx.state().challenges;
      const open = Object.hasOwn(challenges, uuid) ? challenges[uuid] : undefined;
      if (!open) throw new SimError(HANDBOOK.AUTH_KEY_UNKNOWN, [uuid]);
      let participant: Participant;
      try {
        if (now >= open.expiresAt) throw new SimError(HANDBOOK.AUTH_KEY_EXPIRED, [uuid]);
        participant = participantFor(ctx.state().world, await signerOf({ data: body.data, inn: body.inn }, open.data, reg.signatures(), reg.pki, now, ctx.state().world));
      } catch (e) {
        await ctx.commit((s) => ({ state: { ...s, challenges: consumeChallenge(s.challenges, uuid, now).challenges } }));
        throw e;
      }
      const { jti, uuidToken } = await ctx.commit((s, tx) => {
        const used = consumeChallenge(s.challenges, uuid, now);
        // Used by a concurrent sign-in meanwhile: this one is too late.
        if (!used.result.ok) throw new SimError(HANDBOOK.AUTH_KEY_UNKNOWN, [uuid]);
        const jti = tx.ids.uuid('token');
        // The newest sign-in replaces the participant's UUID-form token too: kept when asked for, dropped otherwise.
        const { [participant.bin]: _replaced, ...unitedTokens } = s.unitedTokens ?? {};
        const uuidToken = united ? tx.ids.uuid('united-token') : undefined;
        if (uuidToken) unitedTokens[participant.bin] = { token: uuidToken, expiresAt: now + lifetimeMs };
        return { state: { ...s, challenges: used.challenges, sessions: { ...s.sessions, [participant.bin]: jti }, unitedTokens }, jti, uuidToken, events: [{ type: 'SignedIn', bin: participant.bin }] };
      });
      const token = await issueJwt(claimsOf(participant), { secret: Buffer.from(ctx.state().jwtSecret, 'hex'), nowMs: now, lifetimeMs, id: jti });
      return { body: uuidToken ? { token, uuidToken, expireDate: new Date(now + lifetimeMs).toISOString() } : { token } };
    },

    // §6.1 — the caller's catalogue cards in a group, by GTIN, a page at a time (page from 0).
    getProductGtins: (req) => {
      const q = req.query as { pg: string; limit?: number; page?: number };
      const p = callerOf(req);
      contractFor(p, q.pg);
      const gtins = ctx
        .state()
        .world.products.filter((x) => x.producerBin === p.bin && x.productGroup === q.pg)
        .map((x) => x.gtin)
        .sort();
      const limit = q.limit ?? 10;
      const page = q.page ?? 0;
      return { body: { gtins: gtins.slice(page * limit, page * limit + limit), total: gtins.length } };
    },

    // §6.3 — the group of each GTIN the caller registered; 404 when none is found.
    routeGtins: (req) => {
      const { data } = req.body as { data: string[] };
      const p = callerOf(req);
      const products = ctx.state().world.products;
      const rows = data.map((gtin) => {
        const card = products.find((x) => x.gtin === gtin && x.producerBin === p.bin);
        return card ? { data: gtin, 'tg-id': String(productGroupId(card.productGroup)), 'tg-name': card.productGroup } : { data: gtin, 'error-code': '404', 'error-msg': 'Not found' };
      });
      if (rows.every((r) => 'error-code' in r)) throw new SimError(HANDBOOK.GTINS_NOT_FOUND);
      return { body: rows };
    },

    // §5.1 — an asynchronous order for the caller's codes of a GTIN; its status follows the clock (machine.ts).
    cisesMy: async (req) => {
      const b = req.body as { gtin?: string; packageType?: PackageType; producedDate?: string };
      if (b.gtin === undefined || b.gtin === '') throw new SimError(HANDBOOK.GTIN_REQUIRED);
      const p = callerOf(req);
      const { book, dir } = reg.view();
      const group = dir.product(b.gtin)?.productGroup ?? book.batches.find((x) => x.gtin === b.gtin || x.blockGtin === b.gtin)?.productGroup;
      if (group && !p.contracts.some((c) => c.productGroup === group)) throw new SimError(HANDBOOK.NO_CONTRACT);
      const forced = (req.forced as { codesOrderFailed?: 'VALIDATION_FAILED' | 'ERROR' } | undefined)?.codesOrderFailed;
      const { order } = await ctx.commit((s, tx) => {
        const order: CodesOrder = {
          uuid: tx.ids.uuid('codes-order'),
          bin: p.bin,
          gtin: b.gtin!,
          createdAt: ctx.now(),
          ...(b.packageType ? { packageType: b.packageType } : {}),
          ...(b.producedDate ? { producedDay: b.producedDate.slice(0, 10) } : {}),
          // A GTIN nobody knows is a filter that cannot be valid.
          ...(forced ? { failure: forced } : group ? {} : { failure: 'VALIDATION_FAILED' as const }),
        };
        return { state: { ...s, codesOrders: pmap.set(s.codesOrders, order.uuid, order) }, order, events: [{ type: 'CodesOrdered', uuid: order.uuid, gtin: order.gtin, ...(order.failure ? { failure: order.failure } : {}) }] };
      });
      return { body: { uuid: order.uuid } };
    },

    // §5.2 — a bare JSON string.
    codesOrderStatus: async (req) => {
      const o = ownOrder(ctx, req);
      await ctx.poll([orderKey(o)]);
      return { body: JSON.stringify(orderStatus(o, ctx.now(), ctx.timings() as TrueApiTimings, ctx.polls(orderKey(o)))), contentType: 'application/json' };
    },

    // §5.3 — a ZIP of one CSV, downloadable again and again until the result expires.
    codesOrderResult: (req) => {
      const o = ownOrder(ctx, req);
      const status = orderStatus(o, ctx.now(), ctx.timings() as TrueApiTimings, ctx.polls(orderKey(o)));
      if (status !== 'SUCCESS') throw new SimError(HANDBOOK.ORDER_RESULT_NOT_READY, [o.uuid, status]);
      const { codes } = reg.view();
      return { contentType: 'application/zip', body: zipFiles([{ name: `${o.uuid}.csv`, data: resultCsv(codes, orderCodes(codes, o)) }], { mtimeMs: orderDoneAt(o, (ctx.timings() as TrueApiTimings)) }) };
    },

    // §5.4 — consumer units inside aggregates, per code and per product GTIN (only codes the caller may see).
    countUnits: (req) => {
      const p = callerOf(req);
      const { codes } = reg.view();
      const cisesCounts: Record<string, number> = {};
      const gtinsCounts: Record<string, number> = {};
      for (const { requested, ref } of visibleCodes(reg, p, req.body as string[], HANDBOOK.NO_CONTRACT)) {
        const n = codes.unitsInside(ref);
        cisesCounts[requested] = n;
        gtinsCounts[ref.batch.gtin] = (gtinsCounts[ref.batch.gtin] ?? 0) + n;
      }
      return { body: { cisesCounts, gtinsCounts } };
    },

    // §5.5 — one element per code asked for: the code's card, or an error element for a code the registry does not
    // have; codes of others are left out. Nothing found at all: 404 with the list (observed #18).
    cisesInfo: (req) => {
      const codes = req.body as string[];
      if (!codes.length) throw new SimError(HANDBOOK.NO_CODES);
      const p = callerOf(req);
      const pg = (req.query as { pg?: string }).pg;
      if (pg !== undefined) contractFor(p, pg, HANDBOOK.NO_CONTRACT_LOWER);
      const { book, dir, codes: view } = reg.view();
      const visible = new Map(visibleCodes(reg, p, codes, HANDBOOK.NO_CONTRACT_LOWER).map((v) => [v.requested, v.ref]));
      const out: unknown[] = [];
      for (const requested of codes) {
        const ref = visible.get(requested);
        if (ref) out.push({ cisInfo: { requestedCis: requested, ...codeFields(view, dir, ref, p.bin) } });
        else if (!book.find(requested)) out.push({ cisInfo: { requestedCis: requested }, errorCode: String(HANDBOOK.CODE_NOT_FOUND_ITEM.status), errorMessage: HANDBOOK.CODE_NOT_FOUND_ITEM.text });
      }
      return { status: visible.size === 0 && out.length > 0 ? 404 : 200, body: out };
    },

    // §5.6 — codes in the body, answered in the form they were asked in.
    aggregatedListPost: (req) => {
      const codes = req.body as string[];
      if (!codes.length) throw new SimError(HANDBOOK.NO_CODES);
      const p = callerOf(req);
      const pg = (req.query as { pg: string }).pg;
      contractFor(p, pg, HANDBOOK.NO_CONTRACT_LOWER);
      const view = reg.view().codes;
      const found = visibleCodes(reg, p, codes, HANDBOOK.NO_CONTRACT_LOWER).filter((v) => v.ref.batch.productGroup === pg);
      if (!found.length) throw new SimError(HANDBOOK.CODES_NOT_FOUND_LATIN);
      return { body: Object.fromEntries(found.map((v) => [v.requested, layers(view, v.ref)])) };
    },

    // §5.7 — codes repeated in the query (a comma is part of a code), answered in the form they were emitted.
    aggregatedListGet: (req) => {
      const q = req.query as { pg: string; codes: string[] };
      const p = callerOf(req);
      contractFor(p, q.pg);
      const { book, codes } = reg.view();
      const found = visibleCodes(reg, p, q.codes, HANDBOOK.NO_CONTRACT).filter((v) => v.ref.batch.productGroup === q.pg);
      if (!found.length) throw new SimError(HANDBOOK.CODES_NOT_FOUND);
      return { body: Object.fromEntries(found.map((v) => [book.emitted(v.ref), layers(codes, v.ref)])) };
    },

    // §5.8 — codes repeated in the query, no body.
    cisesList: (req) => {
      const p = callerOf(req);
      const { dir, codes } = reg.view();
      const found = visibleCodes(reg, p, (req.query as { values: string[] }).values, HANDBOOK.NO_CONTRACT);
      if (!found.length) throw new SimError(HANDBOOK.CODES_NOT_FOUND);
      return { body: found.map((v) => ({ requestedCis: v.requested, ...codeFields(codes, dir, v.ref, p.bin) })) };
    },

    // §5.9 — the caller's codes by filters, keyset-paged (listing.ts).
    cisesListV2: (req) => {
      const p = callerOf(req);
      const { dir, codes } = reg.view();
      const { page, total } = listCodes(codes, dir, p.bin, req.query as ListQuery, 10);
      return { body: { results: page.map((r) => listRow(codes, dir, r, p.bin)), total } };
    },

    // §5.10 — one code's latest state and dates (the document's single-object example).
    cisesHistory: (req) => {
      const p = callerOf(req);
      const ref = knownCode(reg, String((req.query as { code: string }).code));
      const { dir, codes } = reg.view();
      if (!codes.canSee(ref, p.bin)) throw new SimError(HANDBOOK.CODES_NOT_FOUND);
      // The history's fields: the card's without the group and brand, with the last document and when it took effect.
      const { productGroupId: _id, productGroup: _group, brand: _brand, ...f } = codeFields(codes, dir, ref, p.bin);
      const last = codes.events(ref).at(-1);
      const operationDate = new Date(last?.at ?? ref.batch.producedAt).toISOString();
      return { body: { ...f, ...(last ? { docId: last.docId } : {}), timestamp: operationDate, emissionDate: new Date(ref.batch.emittedAt).toISOString(), operationDate } };
    },

    // §6.2 — the product card of a code.
    productInfo: (req) => {
      const p = callerOf(req);
      const ref = knownCode(reg, String((req.query as { cis: string }).cis));
      const { book, dir, codes } = reg.view();
      if (!p.contracts.some((c) => c.productGroup === ref.batch.productGroup)) throw new SimError(HANDBOOK.NO_CONTRACT);
      const gtin = book.gtinOf(ref);
      const index = dir.world.products.findIndex((x) => x.gtin === gtin);
      if (!codes.canSee(ref, p.bin) || index < 0) throw new SimError(HANDBOOK.PRODUCT_NOT_FOUND);
      const kind = { unit: 'trade-unit', block: 'inner-pack', box: 'box' } as const;
      return { body: { id: index + 1, name: dir.world.products[index].name, gtin, packageType: kind[ref.level], innerUnitCount: codes.unitsInside(ref), specificAttributes: {} } };
    },

    // §6.4 — like §5.9 with catalogue attributes; 49 a page unless asked (as written).
    productsListV2: (req) => {
      const p = callerOf(req);
      const { dir, codes } = reg.view();
      const { page, total } = listCodes(codes, dir, p.bin, req.query as ListQuery, 49);
      return { body: { results: page.map((r) => listRow(codes, dir, r, p.bin)), total } };
    },

    // §8.1 — recorded, not e-mailed; the invoice id is the answer's `response`.
    createPrequest: async (req) => {
      const b = req.body as { contractId: string; amount: string; sendto: string };
      const p = callerOf(req);
      if (!p.contracts.some((c) => String(c.contractId) === b.contractId)) throw new SimError(HANDBOOK.NO_ACCOUNT, [String(p.organisationId)]);
      const { id } = await ctx.commit((s) => {
        const id = s.nextPrequestId;
        return { state: { ...s, nextPrequestId: id + 1, prequests: pmap.set(s.prequests, String(id), { id, bin: p.bin, contractId: b.contractId, amount: b.amount, sendto: b.sendto, createdAt: ctx.now() }) }, id, events: [{ type: 'InvoiceRequested', bin: p.bin, contractId: b.contractId }] };
      });
      return { body: { status: 200, response: id } };
    },

    // §8.2 — own balance only; a group without a personal account is the document's 404.
    getBalance: (req) => {
      const p = callerOf(req);
      const pg = productGroupName((req.query as { productGroupId: number }).productGroupId);
      const c = p.contracts.find((x) => x.productGroup === pg);
      if (!c) throw new SimError(HANDBOOK.NO_ACCOUNT, [String(p.organisationId)]);
      return { body: balanceOf(p, c) };
    },

    getBalanceAll: (req) => {
      const p = callerOf(req);
      if (!p.contracts.length) throw new SimError(HANDBOOK.NO_ACCOUNT, [String(p.organisationId)]);
      return { body: p.contracts.map((c) => balanceOf(p, c)) };
    },
  };
}
