/**
 * Builds the ID issuer's initial state from fixtures/id-issuer/world.json. Request history is placed relative to
 * the moment the world is made (`createdAgoMs`), so request 23 is always inside its 24-hour cancellation window
 * and request 24's identifiers are always Synchronized, whatever the clock says.
 */
import { pmap } from '../../core/pmap.js';
import { uiKeyFor } from './generate.js';
import type { IdIssuerState, Token, UnitRequest, World } from './state.js';

export interface WorldFixture extends World {
  tokens: Omit<Token, 'expiresAt'>[];
  requests: (Omit<UnitRequest, 'createdAt' | 'canceledAt' | 'downloads'> & { createdAgoMs: number; canceledAgoMs?: number })[];
}

export function buildWorld(f: WorldFixture, seed: number, nowMs: number): IdIssuerState {
  const requests: Record<string, UnitRequest> = {};
  for (const { createdAgoMs, canceledAgoMs, ...r } of f.requests) {
    const req: UnitRequest = { ...r, createdAt: nowMs - createdAgoMs, downloads: {} };
    if (canceledAgoMs !== undefined) req.canceledAt = nowMs - canceledAgoMs;
    requests[String(r.requestId)] = req;
  }
  return {
    world: { issuerIdentificationCode: f.issuerIdentificationCode, economicOperators: f.economicOperators, facilities: f.facilities, machines: f.machines, users: f.users },
    uiKey: uiKeyFor(seed),
    requests: pmap.of(requests),
    nextRequestId: Math.max(0, ...f.requests.map((r) => r.requestId)) + 1,
    tokens: pmap.of(Object.fromEntries(f.tokens.map((t) => [t.token, { ...t, expiresAt: null }]))),
  };
}
