/**
 * One-time challenges with an expiry on the virtual clock (a sign-in that signs random data): pure functions over a
 * record a system keeps in its state. A challenge is consumed by its first use; expired ones are pruned when a new
 * one is issued, and the record is bounded (the oldest go first).
 *
 * @example
 * const { challenges, challenge } = issueChallenge(s.challenges, { id: tx.ids.uuid('challenge'), data, nowMs, ttlMs: 600_000 });
 * const r = consumeChallenge(challenges, challenge.id, nowMs); // { challenges, result: { ok: true, challenge } }
 */
export interface Challenge {
  id: string;
  data: string;
  issuedAt: number;
  expiresAt: number;
}

export type Challenges = Record<string, Challenge>;

export type ChallengeUse = { ok: true; challenge: Challenge } | { ok: false; reason: 'unknown' | 'expired' };

const MAX_OPEN = 10_000;

export function issueChallenge(challenges: Challenges, o: { id: string; data: string; nowMs: number; ttlMs: number }): { challenges: Challenges; challenge: Challenge } {
  const challenge: Challenge = { id: o.id, data: o.data, issuedAt: o.nowMs, expiresAt: o.nowMs + o.ttlMs };
  const open = Object.values(challenges)
    .filter((c) => c.expiresAt > o.nowMs)
    .sort((a, b) => a.issuedAt - b.issuedAt)
    .slice(-(MAX_OPEN - 1));
  return { challenges: { ...Object.fromEntries(open.map((c) => [c.id, c])), [challenge.id]: challenge }, challenge };
}

/** Uses a challenge once: answered or not, it is gone afterwards. */
export function consumeChallenge(challenges: Challenges, id: string, nowMs: number): { challenges: Challenges; result: ChallengeUse } {
  // Own keys only: an id such as "__proto__" or "constructor" is no challenge.
  const c = Object.hasOwn(challenges, id) ? challenges[id] : undefined;
  if (!c) return { challenges, result: { ok: false, reason: 'unknown' } };
  const { [id]: _used, ...rest } = challenges;
  return { challenges: rest, result: nowMs >= c.expiresAt ? { ok: false, reason: 'expired' } : { ok: true, challenge: c } };
}
