/**
 * SetMark's operations, thin: read the request (requests.ts) → rule (packages.ts, checks.ts, reserves.ts,
 * receipts.ts) → store → serialize.
 */
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SimRequest, SystemContext } from '../../core/system.js';
import { validate } from './checks.js';
import { HANDBOOK, REQUEST_CODES, RESERVE } from './handbook.js';
import { journal, num, type Body, type Env, type Profile } from './machine.js';
import { acceptPackage, endsByPolls, packageStatus, pollKey, refusePackage, settlePackage } from './packages.js';
import { save } from './receipts.js';
import type { PackageKind, SetmarkTimings } from './reference.js';
import * as Q from './requests.js';
import { cancelReserve, reserve } from './reserves.js';
import { external, packetView } from './serialize.js';
import { packageKey, type SetmarkState } from './state.js';

export function createHandlers(ctx: SystemContext<SetmarkState>, env: (req?: SimRequest) => Env, profile: () => Profile): Record<string, Handler> {
  const load =
    (kind: PackageKind, answer: 'empty' | 'json'): Handler =>
    async (req) => {
      Q.gate(kind, profile());
      const b = req.body as Body;
      const e = env(req);
      const r = await ctx.commit((s) => {
        const out = acceptPackage(s, kind, b, e);
        return 'refused' in out ? { ...refusePackage(s, kind, b, out.refused, e), refused: out.refused } : { ...out, refused: undefined };
      });
      if (r.refused) throw new SimError(HANDBOOK.INVALID_PACKAGE, [String(b.id), r.refused.map((x) => `${x.field}: ${x.message}`).join('; ')]);
      return answer === 'json' ? { body: { id: num(b.id) } } : {};
    };

  const reserveWith =
    (replace: boolean): Handler =>
    async (req) => {
      const b = req.body as Body;
      const input = Q.readReserve(b);
      const e = env(req);
      const r = await ctx.commit((s) => reserve(s, input, replace, e));
      return { body: external(num(b.id), r.answer, e.profile) };
    };

  return {
    addMark: load('addMark', 'empty'),
    addRfid: load('addRfid', 'json'),
    addExcludes: load('addExcludes', 'json'),
    addMrc: load('addMrc', 'empty'),
    addAlcocodes: load('addAlcocodes', 'json'),

    packageStatus: async (req) => {
      const b = req.body as Body;
      const q = Q.readStatus(b);
      if (!q) return { body: { version: 1, shop: num(b.shop) ?? 0, errorCode: 504, message: REQUEST_CODES[504], packets: [] } };
      const keyOf = (id: number) => {
        const s = ctx.state();
        return pmap.has(s.packages, packageKey(q.shop, id)) ? packageKey(q.shop, id) : pmap.has(s.packages, packageKey(null, id)) ? packageKey(null, id) : undefined;
      };
      const keys = q.ids.map(keyOf).filter((k): k is string => k !== undefined);
      // Each read counts for a processing that waits for polls; the one that ends it settles the package.
      await ctx.poll(keys.map(pollKey));
      const t = ctx.timings() as SetmarkTimings;
      for (const k of keys) {
        const r = pmap.get(ctx.state().packages, k)!;
        if (endsByPolls(r, ctx.now(), t, ctx.polls(pollKey(k)))) await ctx.commit((st) => settlePackage(st, k, ctx.now()));
      }
      const s = ctx.state();
      const now = ctx.now();
      const packets = q.ids.map((id) => {
        const k = keyOf(id);
        const r = k === undefined ? undefined : pmap.get(s.packages, k);
        return packetView(r, id, r ? packageStatus(r, now, t, ctx.polls(pollKey(k!))) : 0, profile());
      });
      return { body: { version: 1, shop: q.shop, errorCode: 0, message: REQUEST_CODES[0], packets } };
    },

    validateMark: async (req) => {
      const input = Q.readValidate(req.body as Body, profile());
      const e = env(req);
      let r = validate(ctx.state(), input, e);
      if (r.rows.length) {
        // A problem goes to the journal: checked again on the latest state, written, then answered.
        r = (
          await ctx.commit((s) => {
            const again = validate(s, input, e);
            return { state: journal(s, again.rows, e.profile), result: again, events: again.rows.length ? [{ type: 'ViolationsJournaled', codes: [...new Set(again.rows.map((x) => x.errorCode))], count: again.rows.length }] : [] };
          })
        ).result;
      }
      return { body: r.body };
    },

    reserve: reserveWith(false),
    replaceReserve: reserveWith(true),

    cancelReserve: async (req) => {
      const b = req.body as Body;
      const orderNumber = Q.readCancel(b);
      const now = ctx.now();
      const r = await ctx.commit((s) => cancelReserve(s, orderNumber, now));
      return { body: external(num(b.id), r.answer, profile()) };
    },

    saveReserve: async (req) => {
      const b = req.body as Body;
      const input = Q.readSave(b, profile());
      const e = env(req);
      await ctx.commit((s) => save(s, input, e));
      // §2.9: "Всегда присылается что все «ОК»" — problems are in the violations journal.
      return { body: external(num(b.id), { success: true, message: RESERVE.OK }, e.profile) };
    },
  };
}
