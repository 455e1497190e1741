/**
 * Business users' API keys (account setup, "Creating an API key": "Each User can have only one valid API key";
 * observed #32): the Bearer token production clients send to the Open API and to utilisation, checked with
 * party/parties/{tin}/api-keys/check and renewed with …/refresh. Pure: (state, …) → Result<{ state, events, … }>.
 *
 * A key is valid from its issue until `apiKeyLifetimeMs` later on the virtual clock, or until it is retired (by a
 * refresh, a newer key of its user, or a revocation from the control plane). The default world's keys, and those a
 * scenario names, carry no issue time and do not expire.
 */
import type { IdSource } from '../../core/ids.js';
import { pmap } from '../../core/pmap.js';
import type { DomainEvent } from '../../core/system.js';
import type { ApiKey, McoiState, User } from './state.js';

/** Retired keys remembered per user (so a retired key is told apart from an unknown one), newest first. */
const REMEMBERED_RETIRED = 5;

export type KeyCheck = { ok: true; key: ApiKey; user: User } | { ok: false; detail: 'unknown' } | { ok: false; detail: 'expired' | 'retired'; key: ApiKey; user: User };

/** When a key stops being valid (null: never, a key of the world's own). */
export const expiresAt = (k: ApiKey, lifetimeMs: number): number | null => (k.issuedAt === undefined ? null : k.issuedAt + lifetimeMs);

export function checkApiKey(s: McoiState, key: string | undefined, now: number, lifetimeMs: number): KeyCheck {
  const k = key === undefined ? undefined : pmap.get(s.apiKeys, key);
  const user = k && s.world.users.find((u) => u.login === k.login);
  if (!k || !user) return { ok: false, detail: 'unknown' };
  if (k.retiredAt !== undefined) return { ok: false, detail: 'retired', key: k, user };
  const until = expiresAt(k, lifetimeMs);
  if (until !== null && now >= until) return { ok: false, detail: 'expired', key: k, user };
  return { ok: true, key: k, user };
}

/** The key a user holds now (valid or expired, not retired). */
export function currentKey(s: McoiState, login: string): ApiKey | undefined {
  for (const k of pmap.values(s.apiKeys)) if (k.login === login && k.retiredAt === undefined) return k;
  return undefined;
}

/**
 * A new key for a user: the key it held is retired (one valid key per user), and only its last few retired keys are
 * remembered.
 */
export function issueApiKey(s: McoiState, user: User, now: number, ids: IdSource, why: 'refresh' | 'control'): { state: McoiState; key: ApiKey; events: DomainEvent[] } {
  const key: ApiKey = { key: ids.uuid('api-key'), login: user.login, issuedAt: now };
  const mine = [...pmap.values(s.apiKeys)].filter((k) => k.login === user.login);
  const retiredBefore = mine.filter((k) => k.retiredAt !== undefined).sort((a, b) => b.retiredAt! - a.retiredAt!);
  const apiKeys = pmap.batch(s.apiKeys, (b) => {
    for (const k of mine) if (k.retiredAt === undefined) b.set(k.key, { ...k, retiredAt: now });
    for (const k of retiredBefore.slice(REMEMBERED_RETIRED - 1)) b.delete(k.key);
    b.set(key.key, key);
  });
  return { state: { ...s, apiKeys }, key, events: [{ type: 'ApiKeyIssued', login: user.login, why }] };
}

/** A key retired from the control plane: it answers 401 from now on; its user may be given a new one. Undefined: no such key. */
export function revokeApiKey(s: McoiState, key: string, now: number): { state: McoiState; events: DomainEvent[] } | undefined {
  const k = pmap.get(s.apiKeys, key);
  if (!k) return undefined;
  if (k.retiredAt !== undefined) return { state: s, events: [] };
  return { state: { ...s, apiKeys: pmap.set(s.apiKeys, key, { ...k, retiredAt: now }) }, events: [{ type: 'ApiKeyRevoked', login: k.login }] };
}
