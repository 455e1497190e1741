import { describe, expect, it } from 'vitest';
import { checkToken, issueToken } from '../../simulator/core/auth.js';
import { ManualClock, SimClock } from '../../simulator/core/clock.js';
import { gs1CheckDigit, isValidGtin14, isValidSscc } from '../../simulator/core/gs1.js';
import { RateLimiter } from '../../simulator/core/limits.js';
import { Journal } from '../../simulator/core/journal.js';
import { permute64, Rng, unpermute64 } from '../../simulator/core/random.js';
import { IdSource } from '../../simulator/core/ids.js';
import { codeKeyFor, cryptoTail, decodeOperatorSerial, formatCode, operatorSerial, parseCode } from '../../simulator/systems/mcoi/generate.js';

describe('clock', () => {
  it('a running clock follows real time plus an offset; frozen it stands still', () => {
    let real = 1_000;
    const c = new SimClock(() => real);
    c.advance(500);
    real += 10;
    expect(c.nowMs()).toBe(1_510);
    c.freeze();
    real += 10;
    expect(c.nowMs()).toBe(1_510);
    c.set(5_000);
    expect(c.nowMs()).toBe(5_000);
    c.unfreeze();
    real += 7;
    expect(c.nowMs()).toBe(5_007);
  });
  it('a ManualClock moves only when advanced', () => {
    const c = new ManualClock(42);
    expect(c.nowMs()).toBe(42);
    c.advance(8);
    expect(c.now().getTime()).toBe(50);
  });
});

describe('random', () => {
  it('repeats its sequence for a seed and resumes from a saved state', () => {
    const a = new Rng(9);
    const b = new Rng(9);
    expect([a.uuid(), a.uuid()]).toEqual([b.uuid(), b.uuid()]);
    const resumed = new Rng(a.state);
    expect(resumed.uuid()).toBe(a.uuid());
    expect(new Rng(1).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it('permute64 is a bijection with an inverse', () => {
    for (const [hi, lo] of [[0, 0], [1, 2], [0xffffffff, 0xffffffff], [12345, 678910]]) {
      const [x, y] = permute64(77, hi, lo);
      expect(unpermute64(77, x, y)).toEqual([hi, lo]);
    }
  });
});

describe('gs1', () => {
  it('computes check digits of the document GTINs and SSCC', () => {
    expect(gs1CheckDigit('0489921512237')).toBe(1);
    expect(isValidGtin14('04815617815628')).toBe(true);
    expect(isValidGtin14('04815617815627')).toBe(false);
    expect(isValidSscc('030779729200012315')).toBe(true);
    expect(isValidSscc('030779729200012316')).toBe(false);
  });
});

describe('operator serials', () => {
  const key = codeKeyFor(1);
  it('decode back to their sub-order and index', () => {
    for (const [seq, index] of [[1, 0], [7, 149_999], [123_456, 99_999]]) {
      const sn = operatorSerial(key, seq, index);
      expect(sn).toHaveLength(13);
      expect(decodeOperatorSerial(key, sn)).toEqual({ seq, index });
    }
  });
  it('reject a serial with a wrong check character or another key', () => {
    const sn = operatorSerial(key, 3, 4);
    const broken = sn.slice(0, 12) + (sn[12] === 'A' ? 'B' : 'A');
    expect(decodeOperatorSerial(key, broken)).toBeNull();
    expect(decodeOperatorSerial(codeKeyFor(2), sn)).not.toEqual({ seq: 3, index: 4 });
  });
  it('parse in all three forms clients send', () => {
    const gtin = '04899215122371';
    const sn = operatorSerial(key, 1, 1);
    const tail = cryptoTail(key, gtin, sn);
    const full = formatCode(gtin, sn, tail);
    expect(parseCode(full)).toEqual({ gtin, serial: sn, crypto: tail });
    expect(parseCode(full.replace('\u001d', ''))).toEqual({ gtin, serial: sn, crypto: tail });
    expect(parseCode(full.split('\u001d')[0])).toEqual({ gtin, serial: sn });
    expect(parseCode('garbage')).toBeNull();
    expect(parseCode(full + 'x')).toBeNull();
  });
});

describe('tokens', () => {
  it('expire at their lifetime and are replaced by a new login', () => {
    const ids = new IdSource(1, {});
    let { sessions, session } = issueToken({}, 'u', { nowMs: 0, ids, lifetimeMs: 100 });
    expect(checkToken(sessions, session.accessToken, 99)).toMatchObject({ ok: true, subject: 'u' });
    expect(checkToken(sessions, session.accessToken, 100)).toMatchObject({ ok: false, detail: 'expired', reason: 'inactive-token' });
    const old = session.accessToken;
    ({ sessions, session } = issueToken(sessions, 'u', { nowMs: 10, ids, lifetimeMs: 100 }));
    expect(checkToken(sessions, old, 11)).toMatchObject({ ok: false, detail: 'replaced' });
    expect(checkToken(sessions, undefined, 11)).toMatchObject({ ok: false, reason: 'missing-token' });
    expect(checkToken(sessions, 'nope', 11)).toMatchObject({ ok: false, reason: 'invalid-token' });
  });
});

describe('rate limiter', () => {
  it('allows `limit` hits in a sliding window and tells how long to wait', () => {
    const l = new RateLimiter({ windowMs: 1_000 });
    expect([l.hit('k', 0, 3).allowed, l.hit('k', 100, 3).allowed, l.hit('k', 200, 3).allowed]).toEqual([true, true, true]);
    expect(l.hit('k', 300, 3)).toEqual({ allowed: false, retryAfterMs: 700 });
    expect(l.hit('other', 300, 3).allowed).toBe(true);
    expect(l.hit('k', 1_000, 3).allowed).toBe(true);
  });
});

describe('journal', () => {
  it('keeps the newest entries up to its capacity and clips large bodies', () => {
    const j = new Journal(2);
    for (let i = 0; i < 3; i++) j.record({ at: '', system: 's', method: 'GET', path: `/${i}`, query: {}, status: 200, outcome: 'answered', durationMs: 0, responseBody: 'x'.repeat(i === 2 ? 10_000 : 1) });
    const list = j.list();
    expect(list.map((e) => e.path)).toEqual(['/1', '/2']);
    expect(String(list[1].responseBody)).toContain('(10000 chars)');
  });
});

describe('resolveTimings', () => {
  it('applies defaults, then instant (processing delays only), then the system overrides', async () => {
    const { resolveTimings } = await import('../../simulator/core/system.js');
    const x = { id: 'x', timings: { a: { default: 1_000, description: '' }, b: { default: 3_000, description: '' }, ttl: { default: 600_000, description: '', kind: 'lifetime' as const }, every: { default: 60_000, description: '', kind: 'period' as const } } };
    const d = { a: 1_000, b: 3_000, ttl: 600_000, every: 60_000 };
    expect(resolveTimings(x, {})).toEqual(d);
    expect(resolveTimings(x, { '*': { all: 0 } })).toEqual({ ...d, a: 0, b: 0 });
    expect(resolveTimings(x, { '*': { all: 0 }, x: { b: 7 } })).toEqual({ ...d, a: 0, b: 7 });
    expect(resolveTimings({ ...x, id: 'y' }, { x: { b: 7 } })).toEqual(d);
  });
});
