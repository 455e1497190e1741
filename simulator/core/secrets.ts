/**
 * Secrets in what the simulator shows of what it was sent and answered (journal, its scenario export, debug logs):
 * passwords, tokens and Authorization headers are hidden unless asked for (SIM_JOURNAL_SECRETS=show).
 *
 * @example
 * redact({ login: 'u', password: 'p' }); // { login: 'u', password: '***' }
 * redactAuthorization('Bearer 0e13a2...'); // 'Bearer ***'
 */

/** Field names whose values are secrets, whatever the system (compared without case). */
export const SECRET_FIELDS = ['password', 'accessToken', 'refreshToken', 'token', 'secret', 'clientSecret', 'apiKey', 'privateKey', 'pkcs12', 'passphrase'] as const;

const SECRET = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));
export const HIDDEN = '***';

export const isSecretField = (name: string) => SECRET.has(name.toLowerCase());

/** A copy with every secret field's value hidden. Values here are already bounded (journal.clip): depth ≤ 16. */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => redact(v)) as T;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, isSecretField(k) && v !== null && v !== undefined ? HIDDEN : redact(v)])) as T;
}

/** An Authorization header with its credentials hidden (the scheme stays). */
export function redactAuthorization(header: string): string {
  const m = /^\s*(\S+)\s+\S/.exec(header);
  return m ? `${m[1]} ${HIDDEN}` : HIDDEN;
}

/** Every secret value inside a (bounded) value, with its dotted path: what a scenario export can capture by name. */
export function secretsIn(value: unknown, prefix = ''): { path: string; value: string }[] {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return [];
  return Object.entries(value as object).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isSecretField(k) && typeof v === 'string') return [{ path, value: v }];
    return secretsIn(v, path);
  });
}
