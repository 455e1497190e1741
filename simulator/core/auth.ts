/**
 * Bearer tokens on the virtual clock. Pure functions over a sessions record that a system keeps in its state:
 * issuing a token for a subject replaces (and so invalidates) that subject's previous token.
 *
 * @example
 * const { sessions, session } = issueToken({}, 'login', { nowMs, ids: tx.ids, lifetimeMs: 1_800_000 });
 * checkToken(sessions, session.accessToken, nowMs); // { ok: true, subject: 'login' }
 */
import type { IdSource } from './ids.js';

export interface Session {
  accessToken: string;
  refreshToken: string;
  issuedAt: number;
  expiresAt: number;
  /** Tokens this subject held before, newest first, so a replaced token is told apart from an unknown one. */
  replaced: string[];
}

export type Sessions = Record<string, Session>;

export type TokenCheck =
  | { ok: true; subject: string; session: Session }
  | { ok: false; reason: 'missing-token' | 'invalid-token' | 'inactive-token'; detail: 'missing' | 'unknown' | 'expired' | 'replaced' };

const REMEMBERED_REPLACED = 5;

export function issueToken(
  sessions: Sessions,
  subject: string,
  opts: { nowMs: number; ids: IdSource; lifetimeMs: number },
): { sessions: Sessions; session: Session } {
  const previous = sessions[subject];
  const session: Session = {
    accessToken: opts.ids.uuid('access-token'),
    refreshToken: opts.ids.uuid('refresh-token'),
    issuedAt: opts.nowMs,
    expiresAt: opts.nowMs + opts.lifetimeMs,
    replaced: previous ? [previous.accessToken, ...previous.replaced].slice(0, REMEMBERED_REPLACED) : [],
  };
  return { sessions: { ...sessions, [subject]: session }, session };
}

export function checkToken(sessions: Sessions, token: string | undefined, nowMs: number): TokenCheck {
  if (!token) return { ok: false, reason: 'missing-token', detail: 'missing' };
  for (const [subject, session] of Object.entries(sessions)) {
    if (session.accessToken === token) {
      if (nowMs >= session.expiresAt) return { ok: false, reason: 'inactive-token', detail: 'expired' };
      return { ok: true, subject, session };
    }
    if (session.replaced.includes(token)) return { ok: false, reason: 'inactive-token', detail: 'replaced' };
  }
  return { ok: false, reason: 'invalid-token', detail: 'unknown' };
}

/** Reads `Authorization: Bearer <token>` (scheme case-insensitive); undefined when absent or another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}
