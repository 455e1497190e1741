/**
 * A fuzzer derived from the served contracts (fast-check, seeded): for every operation of every system and of the
 * control plane, requests shaped by its schemas and then broken — wrong types, missing and extra fields, huge and
 * deep values, control characters, malformed percent-encoding and JSON, invalid UTF-8, wrong content types — with
 * and without credentials. Each answer must be below 500 and fit the contract of the system that answered (its own
 * envelope); the server must be healthy afterwards.
 *
 * test/fuzz.test.ts runs a few thousand cases; `npm run fuzz` (bench/fuzz.ts) runs more (FUZZ_RUNS, FUZZ_SEED) and prints figures.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createApp, SYSTEMS } from '../../simulator/app.js';
import { ManualClock } from '../../simulator/core/clock.js';
import type { Exchange } from '../../simulator/core/mount.js';
import type { Contract, Operation } from '../../simulator/core/openapi.js';

export interface FuzzReport {
  cases: number;
  byStatus: Record<string, number>;
  /** Answers of 500 or more (must be none). */
  serverErrors: string[];
  /** Answers that do not fit the contract of the system that answered (must be none). */
  violations: string[];
  healthyAfter: boolean;
  seconds: number;
}

type Schema = Record<string, any>;
const T0 = Date.parse('2026-03-02T09:00:00Z');

const NASTY_STRINGS = ['', ' ', '\u0000', '\u001d', '\ud800', '\uffff', '%', '%ZZ', '../..', '"', "'", '\\', '<script>', '1e309', '-0', 'null', '\r\n', '𝕏', 'a'.repeat(10_000)];
const NASTY_SEGMENTS = ['%ZZ', '%', '%C0%80', '%FF%FE', '%00', '..', '%2F', 'a'.repeat(5000), '%E0%A4%A', '%F0%9F%98%80'];

const nastyString = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 300 }));

/** A nesting of `depth` arrays or objects (the 64-level bound sits in the middle of the range). */
const deep = fc.integer({ min: 10, max: 120 }).chain((depth) => fc.boolean().map((arr) => (arr ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth))));

/** Values shaped by a schema (mostly fitting it), with a share of wrong ones. */
function arbFor(contract: Contract, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (schema.$ref) return arbFor(contract, contract.deref<Schema>(schema), depth + 1);
  const fitting = fitArb(contract, schema, depth);
  return fc.oneof({ weight: 6, arbitrary: fitting }, { weight: 1, arbitrary: fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 })) });
}

function fitArb(contract: Contract, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  if (schema.allOf) return fc.tuple(...schema.allOf.map((s: Schema) => arbFor(contract, s, depth + 1))).map((parts) => Object.assign({}, ...parts.filter((p) => p && typeof p === 'object' && !Array.isArray(p))));
  if (schema.oneOf || schema.anyOf) return fc.oneof(...(schema.oneOf ?? schema.anyOf).map((s: Schema) => arbFor(contract, s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'date-time') return fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((x) => x.length < 500);
      return fc.string({ maxLength: Math.min(schema.maxLength ?? 30, 60) });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 200_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbFor(contract, schema.items, depth + 1), { maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'object': {
      const props = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
      const required: string[] = schema.required ?? [];
      if (!props.length) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 });
      return fc
        .record(Object.fromEntries(props.map(([k, s]) => [k, arbFor(contract, s, depth + 1)])), { requiredKeys: required.filter((k) => props.some(([p]) => p === k)) })
        .chain((o) => fc.oneof({ weight: 5, arbitrary: fc.constant(o) }, { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => ({ ...o, [k]: v })) }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The operation documents a 5xx it answers on purpose (`x-sim-documented-5xx`, e.g. True API's negative limit). */
  documented5xx?: boolean;
}

/** Percent-encodes every UTF-8 byte (a lone surrogate becomes U+FFFD's bytes: pct would throw). */
const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64');

/** A generated value in the operation's media type: JSON, multipart/form-data fields, or text. */
function encode(media: string, v: unknown): { type: string; body: Buffer } {
  if (media.includes('json')) return { type: 'application/json', body: Buffer.from(JSON.stringify(v) ?? 'null') };
  const text = (x: unknown) => (typeof x === 'string' ? x : (JSON.stringify(x) ?? 'null'));
  if (media === 'multipart/form-data') {
    const fields = v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>) : [['value', v] as const];
    const parts = fields.map(([k, x]) => `--fuzz\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, '_')}"\r\n\r\n${text(x)}\r\n`).join('');
    return { type: 'multipart/form-data; boundary=fuzz', body: Buffer.from(`${parts}--fuzz--\r\n`) };
  }
  return { type: media, body: Buffer.from(text(v)) };
}

function bodyArb(contract: Contract, op: Operation): fc.Arbitrary<{ type?: string; body?: Buffer }> {
  if (!op.requestMedia.length) return fc.oneof(fc.constant({}), fc.constant({ type: 'application/json', body: Buffer.from('{"unexpected":true}') }));
  const raw = (contract.document.paths as Record<string, any>)[op.path][op.method].requestBody?.content?.[op.requestMedia[0]]?.schema;
  const schema = raw ? contract.deref<Schema>(raw) : undefined;
  // MCOI's documents travel as base64 JSON inside documentBody: fuzz what is inside too.
  const inner = contract.document.components?.schemas?.[op.operationId === 'registerValidation' ? 'ValidationReport' : 'AggregationReport'] as Schema | undefined;
  const shaped = arbFor(contract, schema).chain((v) =>
    inner && v && typeof v === 'object' && 'documentBody' in (v as object) ? arbFor(contract, inner).map((d) => ({ ...(v as object), documentBody: b64(d) })) : fc.constant(v),
  );
  const media = op.requestMedia[0];
  return fc.oneof(
    { weight: 8, arbitrary: shaped.map((v) => encode(media, v)) },
    { weight: 1, arbitrary: deep.map((text) => ({ type: 'application/json', body: Buffer.from(text) })) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[1,,2]', '\u0000', 'nul', '"\ud800"', '{"a":1}garbage').map((text) => ({ type: 'application/json', body: Buffer.from(text) })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ type: 'application/json', body: Buffer.from([0xc0, 0x80, 0xff, ...bytes]) })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=zz', 'application/octet-stream', 'application/json; charset=latin1', 'image/png'), fc.string({ maxLength: 50 })).map(([type, text]) => ({ type, body: Buffer.from(text) })) },
    { weight: 1, arbitrary: fc.constant({ type: 'application/json', body: Buffer.from(JSON.stringify({ s: 'x'.repeat(300_000) })) }) },
    { weight: 1, arbitrary: fc.constant({}) },
  );
}

function caseArb(contract: Contract, base: string, op: Operation, tokens: string[]): fc.Arbitrary<Case> {
  const params = op.parameters;
  const pathArb = fc.tuple(...(op.path.match(/\{[^}]+\}/g) ?? []).map(() => fc.oneof(fc.constantFrom(...NASTY_SEGMENTS), fc.string({ maxLength: 20 }).map(pct), fc.integer().map(String)))).map((values) => {
    let i = 0;
    return base + op.path.replace(/\{[^}]+\}/g, () => values[i++]);
  });
  const queryArb = fc
    .tuple(
      ...params.filter((p) => p.in === 'query').map((p) => fc.option(fc.oneof(arbFor(contract, p.schema as Schema).map((v) => (Array.isArray(v) ? v.join(',') : String(v))), nastyString), { freq: 2 }).map((v) => (v === null ? '' : `${pct(p.name)}=${pct(v)}`))),
      fc.option(fc.tuple(fc.string({ maxLength: 8 }), nastyString).map(([k, v]) => `${pct(k)}=${pct(v)}`), { freq: 4 }).map((v) => v ?? ''),
      fc.option(fc.constantFrom('%ZZ=1', 'a=%', '%00', '&&&', 'x=%E0%A4%A'), { freq: 6 }).map((v) => v ?? ''),
    )
    .map((parts) => parts.filter(Boolean).join('&'));
  const headerArb = fc.record({
    token: fc.constantFrom(...tokens, 'garbage', '', 'Bearer'),
    extra: fc.option(fc.tuple(fc.constantFrom('X-Request-Id', 'Accept', 'Content-Encoding', 'X-Forwarded-For'), fc.constantFrom('*/*', 'text/csv', 'gzip', 'x'.repeat(200), '\t')), { freq: 3 }),
  });
  const documented = Boolean((contract.document.paths as Record<string, any>)[op.path][op.method]['x-sim-documented-5xx']);
  const methodArb = fc.oneof({ weight: 9, arbitrary: fc.constant(op.method.toUpperCase()) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') });
  return fc.tuple(methodArb, pathArb, queryArb, headerArb, bodyArb(contract, op)).map(([method, path, query, h, b]) => {
    const headers: Record<string, string> = {};
    if (h.token) headers.authorization = h.token.startsWith('Bearer') ? h.token : `Bearer ${h.token}`;
    if (h.extra) headers[h.extra[0].toLowerCase()] = h.extra[1];
    if (b.type) headers['content-type'] = b.type;
    return { method, path: query ? `${path}?${query}` : path, headers, body: method === 'GET' || method === 'HEAD' ? undefined : b.body, documented5xx: documented && method === op.method.toUpperCase() };
  });
}

/** The status and content type of the answer (0: no answer, the connection closed). */
function send(port: number, c: Case): Promise<{ status: number; type?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: c.method, path: c.path, headers: { ...c.headers, ...(c.body ? { 'content-length': String(c.body.length) } : {}) } }, (res) => {
      // An event stream (the journal's live tail) never ends by itself: its status and type are the answer.
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] });
        res.destroy();
        return;
      }
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] }));
      res.on('error', () => resolve({ status: 0 }));
    });
    req.on('error', () => resolve({ status: 0 }));
    if (c.body) req.write(c.body);
    req.end();
  });
}

/** What a fuzzed answer must be: in the contract of the system that answered (a fault's damage aside). */
export function contractProblems(e: Exchange, contracts: Record<string, Contract>): string[] {
  if (e.outcome !== 'answered' || (e.fault && ['html', 'drop', 'truncate', 'corrupt'].some((k) => k in e.fault!.action))) return [];
  const body = typeof e.body === 'string' && /json/.test(e.contentType ?? '') ? JSON.parse(e.body) : e.body;
  return contracts[e.system].validateResponse(e.op, e.status, e.contentType, body, e.headers).map((v) => `${e.method} ${e.path}: ${v}`);
}

export async function fuzz(o: { runs: number; seed: number }): Promise<FuzzReport> {
  const t0 = performance.now();
  const violations: string[] = [];
  let contracts: Record<string, Contract> = {};
  const sim = await createApp({ store: { kind: 'memory' }, clock: new ManualClock(T0), rateLimits: false, onExchange: (e) => void violations.push(...contractProblems(e, contracts)) });
  contracts = sim.contracts;
  const server = sim.app.listen(0, '127.0.0.1');
  server.on('clientError', sim.clientError);
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;
  const login = await fetch(`http://127.0.0.1:${port}/mcoi/api/users/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"login":"6e8login23","password":"12345678"}' }).then((r) => r.json() as Promise<{ accessToken: string }>);
  const tokens = [login.accessToken, 'sim-token-user-test-pl', 'sim-token-other-test-pl'];
  // Every operation in the default world and in another (/w/fuzz/...), whose routing is the same machinery behind a prefix.
  await sim.worlds.create({ id: 'fuzz' });
  const inWorld = (prefix: string) => [...SYSTEMS.map((m) => ({ base: `${prefix}${m.base}`, contract: sim.contracts[m.id] })), { base: `${prefix}/__sim`, contract: sim.contracts.control }];
  const targets = [...inWorld(''), ...inWorld('/w/fuzz')];
  const cases = fc.oneof(...targets.flatMap((t) => t.contract.operations.map((op) => caseArb(t.contract, t.base, op, tokens))));
  const byStatus: Record<string, number> = {};
  const serverErrors: string[] = [];
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const { status, type } = await send(port, c);
        n++;
        // Every refusal carries a body in an envelope: a bare status line (Node's own) is a violation too.
        if (status >= 400 && status !== 406 && !type) violations.push(`${status} without a body: ${c.method} ${c.path.slice(0, 120)}`);
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        // An inline scenario the fuzzer happened to activate: faults would answer 5xx on purpose.
        if (sim.scenario()) await sim.reset();
        const other = sim.worlds.use('fuzz');
        if (other?.active) await other.reset();
        if (status >= 500 && c.documented5xx) return true;
        if (status >= 500) serverErrors.push(`${status} ${c.method} ${c.path.slice(0, 200)} ${c.headers['content-type'] ?? ''} ${c.body?.subarray(0, 200).toString() ?? ''}`);
        return status < 500;
      }),
      { numRuns: o.runs, seed: o.seed, endOnFailure: true },
    );
  } catch (e) {
    // A property failure: its case is in serverErrors. Anything else is the fuzzer's own fault: say it.
    if (!serverErrors.length) throw e;
  }
  const health = await fetch(`http://127.0.0.1:${port}/__sim/health`).then((r) => r.status);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await sim.close();
  return { cases: n, byStatus, serverErrors, violations: [...new Set(violations)].slice(0, 50), healthyAfter: health === 200, seconds: Math.round((performance.now() - t0) / 100) / 10 };
}
