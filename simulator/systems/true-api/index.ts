/**
 * True API — Kazakhstan's national marking system ИС МПТ (True API v2.22), served under /true-api. This file is what
 * the system declares (contract, handbook, timings, switches, world) and how it is wired.
 */
import { bearerToken } from '../../core/auth.js';
import { TIME_RANGE } from '../../core/clock.js';
import { RequestInvalid, SimError, type RenderedError, type ValidationIssue } from '../../core/errors.js';
import { verifyJwt } from '../../core/jwt.js';
import { pmap } from '../../core/pmap.js';
import { mergeByKey, overlayList as list } from '../../core/scenario.js';
import type { SimRequest, SystemModule } from '../../core/system.js';
import { toXml } from '../../core/xml.js';
import { CONTROL_ERRORS, HANDBOOK, type TrueApiError } from './handbook.js';
import { CodeBook, PACKAGE_TYPE, type Batch, type CodeRef } from './codes.js';
import { pemOfPrivateKey, pkcs12Of, TestPki } from './pki.js';
import { Directory } from './serialize.js';
import { CODE_STATUSES, isValidBin, PACKAGE_TYPES, PRODUCT_GROUP_NAMES, ROLES, TIMINGS, type TrueApiTimings } from './reference.js';
import { createViews } from './views.js';
import { createHandlers, type Caller, type TrueApiRuntime } from './routes.js';
import { createDocumentHandlers, fileReceipt, type ReceiptInput } from './routes-documents.js';
import { createEdoHandlers } from './routes-edo.js';
import { createShipmentHandlers, fileIncomingShipment, type IncomingShipmentInput } from './routes-shipments.js';
import { documentStatus } from './documents.js';
import { CodeView } from './ledger.js';
import type { Participant, TrueApiState } from './state.js';
import { buildWorld, worldProblems, type WorldFixture } from './world.js';

/** The body a handbook error renders to: JSON `{error_message}`, the XML of a 401, nothing for a 406. */
export function renderTrueApiError(entry: TrueApiError, args: unknown[] = []): RenderedError {
  const text = new SimError(entry, args).message;
  if (entry.empty) return { status: entry.status, body: undefined };
  if (entry.xml) return { status: entry.status, contentType: 'application/xml', body: toXml({ [entry.xml.exception]: { error: entry.xml.error, error_description: text } }) };
  if (entry.family === 'shipment') return { status: entry.status, body: { errors: [{ code: String(entry.status), message: text }] } };
  if (entry.family === 'import') return { status: entry.status, body: { code: String(entry.status), description: text, errors: text } };
  return { status: entry.status, body: { error_message: text } };
}

/** Java's name for a JSON Schema type, as Spring words a wrong parameter type (§2.1). */
const JAVA_TYPE: Record<string, string> = { integer: 'Integer', number: 'Number', boolean: 'Boolean', string: 'String', array: 'List', object: 'Map' };
const JAVA_CLASS: Record<string, string> = { array: 'java.util.ArrayList', object: 'java.util.LinkedHashMap', string: 'java.lang.String', integer: 'java.lang.Integer', number: 'java.math.BigDecimal', boolean: 'java.lang.Boolean' };

/** The Jackson token a JSON value starts with. */
function jacksonToken(v: unknown): string {
  if (Array.isArray(v)) return 'START_ARRAY';
  if (v === null) return 'VALUE_NULL';
  if (typeof v === 'object') return 'START_OBJECT';
  if (typeof v === 'string') return 'VALUE_STRING';
  if (typeof v === 'boolean') return v ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return Number.isInteger(v) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
}

/** The value at a `$.a[0].b` path of a body (undefined when it is not there). */
function at(body: unknown, path: string): unknown {
  let cur = body;
  for (const m of path.replace(/^\$/, '').matchAll(/\.([^.[]+)|\[(\d+)\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[m[1] ?? m[2]];
  }
  return cur;
}

/** A request that does not fit the contract, as the Spring service behind True API answers it. */
function invalidRequest(i: ValidationIssue, body: unknown): RenderedError {
  const name = i.name ?? (i.path.replace(/^\$\.?/, '') || 'body');
  if (i.reason === 'tooLarge') return renderTrueApiError(HANDBOOK.PAYLOAD_TOO_LARGE);
  if (i.reason === 'mediaType') return renderTrueApiError(HANDBOOK.UNSUPPORTED_MEDIA_TYPE, [/^(\S+) is not supported/.exec(i.message)?.[1] ?? i.message]);
  if (i.in === 'body' && i.reason === 'required' && i.path === '$') return renderTrueApiError(HANDBOOK.BODY_MISSING);
  if (i.in === 'body' && i.reason === 'malformed') return renderTrueApiError(HANDBOOK.JSON_PARSE, [`${i.message}; nested exception is com.fasterxml.jackson.core.JsonParseException`]);
  const expected = /must be (\w+)/.exec(i.message)?.[1];
  if (i.in === 'body' && i.reason === 'type' && expected) {
    const what = `Cannot deserialize instance of \`${JAVA_CLASS[expected] ?? expected}\` out of ${jacksonToken(at(body, i.path))} token`;
    return renderTrueApiError(HANDBOOK.JSON_PARSE, [`${what}; nested exception is com.fasterxml.jackson.databind.exc.MismatchedInputException: ${what}`]);
  }
  if (i.reason === 'required') return renderTrueApiError(HANDBOOK.MISSING_PARAMETER, [i.name ?? name]);
  if (i.reason === 'type' && expected) return renderTrueApiError(HANDBOOK.WRONG_TYPE, [name, JAVA_TYPE[expected] ?? expected]);
  return renderTrueApiError(HANDBOOK.INVALID_VALUE, [name, i.message]);
}

/**
 * What happened to a code: emitted by its producer, applied on its production date, in its batch's status with its
 * owner when the batch is past that (what the world says), then each document that changed it (the ledger), up to now.
 */
function historyOf(codes: CodeView, r: CodeRef): { status: string; at: string; participant: string; docId?: string; docType?: string }[] {
  const b = r.batch;
  const events: { status: string; at: string; participant: string; docId?: string; docType?: string }[] = [{ status: 'EMITTED', at: new Date(b.emittedAt).toISOString(), participant: b.producerBin }];
  if (b.status !== 'EMITTED') events.push({ status: 'APPLIED', at: new Date(b.producedAt).toISOString(), participant: b.producerBin });
  if (b.status !== 'EMITTED' && b.status !== 'APPLIED') events.push({ status: b.status, at: new Date(b.producedAt).toISOString(), participant: b.ownerBin });
  for (const e of codes.events(r)) events.push({ status: e.status, at: new Date(e.at).toISOString(), participant: e.ownerBin, docId: e.docId, docType: e.docType });
  return events;
}

const BIN = { type: 'string', pattern: '^[0-9]{12}$' };

export const trueApi: SystemModule<TrueApiState, Caller> = {
  id: 'true-api',
  title: 'Kazakhstan True API v2.22 (ИС МПТ)',
  base: '/true-api',
  contract: 'openapi/true-api.yaml',
  controlContract: 'openapi/true-api.control.yaml',
  handbook: HANDBOOK,
  timings: TIMINGS,
  rateLimit: { error: 'TOO_MANY_REQUESTS' },
  bodyLimit: { size: '30mb', source: '§2.3: at most 30 MB, 413 "Слишком большой запрос" above' },
  switches: {
    signatures: {
      env: 'SIM_TRUE_API_SIGNATURES',
      values: ['lenient', 'strict'],
      default: 'lenient',
      description: 'Sign-in signatures: lenient accepts any data (the participant from a CMS certificate, an inn field, or the default one); strict verifies an attached CMS over the challenge against the test CA.',
    },
  },
  outcomes: {
    codesOrderFailed: { operations: ['cisesMy'], schema: { enum: ['VALIDATION_FAILED', 'ERROR'] }, description: 'The code-list order ends with this status instead of SUCCESS.' },
    documentRejected: {
      operations: ['writeOff', 'introduceGoods', 'importThirdCountries', 'formalDocument', 'importAcceptance'],
      schema: { type: 'string', minLength: 1, maxLength: 1000 },
      description: 'The document ends CHECKED_NOT_OK with this error text, whatever its codes (a notice: in errors and downloadDesc; a formal document: status 10; an acceptance notice: in documentErrors); nothing changes in the registry.',
    },
  },
  callers: { user: 'participant BIN' },
  fixture: 'fixtures/true-api/world.json',
  credentials: (fixture) =>
    (fixture as WorldFixture).participants.map((p) => ({ user: p.bin, note: `GET /auth/key, then POST /auth/simpleSignIn with inn ${p.bin} and any data (signatures lenient); ${p.name}` })),
  worldOverlay: {
    type: 'object',
    additionalProperties: false,
    description: 'Participants (by bin), catalogue products (by gtin), code batches (by id), the default participant of lenient sign-ins.',
    properties: {
      defaultParticipant: BIN,
      participants: list({
        type: 'object',
        additionalProperties: false,
        required: ['bin'],
        properties: {
          bin: BIN,
          name: { type: 'string', minLength: 1, maxLength: 300 },
          organisationId: { type: 'integer', minimum: 1 },
          roles: { type: 'array', items: { enum: [...ROLES] } },
          registered: { type: 'boolean' },
          signer: { type: 'object', additionalProperties: false, required: ['iin', 'name'], properties: { iin: BIN, name: { type: 'string', minLength: 1, maxLength: 300 } } },
          contracts: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['productGroup', 'contractId', 'balance'],
              properties: { productGroup: { enum: [...PRODUCT_GROUP_NAMES] }, contractId: { type: 'integer', minimum: 1 }, balance: { type: 'integer' } },
            },
          },
        },
      }),
      products: list({
        type: 'object',
        additionalProperties: false,
        required: ['gtin', 'name', 'brand', 'tnved', 'productGroup', 'producerBin'],
        properties: {
          gtin: { type: 'string', pattern: '^[0-9]{14}$' },
          name: { type: 'string', minLength: 1, maxLength: 500 },
          brand: { type: 'string', maxLength: 200 },
          tnved: { type: 'string', pattern: '^[0-9]{10}$' },
          productGroup: { enum: [...PRODUCT_GROUP_NAMES] },
          producerBin: BIN,
        },
      }),
      batches: list({
        type: 'object',
        additionalProperties: false,
        required: ['id', 'productGroup', 'kind', 'gtin', 'count', 'status', 'producerBin', 'ownerBin', 'emittedAt', 'producedAt', 'emissionType'],
        properties: {
          id: { type: 'integer', minimum: 1, maximum: 63 },
          productGroup: { enum: [...PRODUCT_GROUP_NAMES] },
          kind: { enum: ['tobacco', 'units'], description: 'tobacco: count boxes of 50 blocks of 10 packs; units: count single units.' },
          gtin: { type: 'string', pattern: '^[0-9]{14}$' },
          blockGtin: { type: 'string', pattern: '^[0-9]{14}$' },
          count: { type: 'integer', minimum: 1, maximum: 16_000_000 },
          status: { enum: Object.keys(CODE_STATUSES) },
          producerBin: BIN,
          ownerBin: BIN,
          emittedAt: { type: 'string', format: 'date-time' },
          producedAt: { type: 'string', format: 'date-time' },
          emissionType: { enum: ['LOCAL', 'FOREIGN'] },
        },
      }),
    },
  },

  upgrade: (s) => ({ ...s, documents: pmap.of(s.documents), fileIds: pmap.of(s.fileIds), shipments: pmap.of(s.shipments), acceptances: pmap.of(s.acceptances), codeChanges: pmap.of(s.codeChanges) }),

  initialWorld: (fixture, seed, nowMs) => ({ state: buildWorld(fixture as WorldFixture, seed, nowMs), blobs: {} }),

  overlayWorld(state, o) {
    const w = state.world;
    // A participant the overlay adds gets what it does not say: a new organisation id, a trade role, no contract.
    let nextPid = Math.max(0, ...w.participants.map((p) => p.organisationId)) + 1;
    const added = ((o.participants as Partial<Participant>[] | undefined) ?? []).map((p) =>
      w.participants.some((x) => x.bin === p.bin) ? p : { organisationId: nextPid++, roles: ['TRADE_PARTICIPANT'], registered: true, contracts: [], name: `Участник ${p.bin}`, signer: { iin: p.bin!, name: `Участник ${p.bin}` }, ...p },
    );
    const participants = mergeByKey(w.participants, added, 'bin');
    const world = {
      defaultParticipant: typeof o.defaultParticipant === 'string' ? o.defaultParticipant : w.defaultParticipant,
      participants,
      products: mergeByKey(w.products, o.products as TrueApiState['world']['products'] | undefined, 'gtin'),
      batches: mergeByKey(
        w.batches,
        (o.batches as (Omit<Batch, 'emittedAt' | 'producedAt'> & { emittedAt: string; producedAt: string })[] | undefined)?.map((b) => ({ ...b, emittedAt: Date.parse(b.emittedAt), producedAt: Date.parse(b.producedAt) })),
        'id',
      ),
    };
    const problems = worldProblems(world);
    if (problems.length) throw new Error(`world.true-api: ${problems.join('; ')}`);
    return { ...state, world };
  },

  create(ctx) {
    const timings = () => ctx.timings() as TrueApiTimings;
    const pki = new TestPki(ctx.seed);
    // The registry of the committed world: rebuilt only when the world changes (a reset, a scenario).
    let registry: { world: TrueApiState['world']; book: CodeBook; dir: Directory } | undefined;
    const registryOf = () => {
      const s = ctx.state();
      if (registry?.world !== s.world) registry = { world: s.world, book: new CodeBook(ctx.seed, s.world.batches), dir: new Directory(s.world) };
      return { book: registry.book, dir: registry.dir, codes: new CodeView(registry.book, s.codeChanges, ctx.clock.nowMs()) };
    };
    const rt: TrueApiRuntime = {
      state: ctx.state,
      commit: ctx.commit,
      now: () => ctx.clock.nowMs(),
      timings,
      profile: () => ctx.profile('signatures') as 'lenient' | 'strict',
      pki,
      registry: registryOf,
    };

    /** Everything known about one code (the control plane's code view and the dashboard's timeline); undefined when unknown. */
    const codeState = (code: string) => {
      const { book, codes } = registryOf();
      const r = book.find(code);
      if (!r) return undefined;
      const parent = codes.parent(r);
      const now = codes.state(r);
      return {
        cis: book.cis(r),
        emitted: book.emitted(r),
        printed: book.withTail(r),
        gtin: book.gtinOf(r),
        productGroup: r.batch.productGroup,
        packageType: PACKAGE_TYPE[r.level],
        status: now.status,
        producerBin: r.batch.producerBin,
        ownerBin: now.ownerBin,
        emissionType: now.emissionType,
        emittedAt: new Date(r.batch.emittedAt).toISOString(),
        producedAt: new Date(r.batch.producedAt).toISOString(),
        parent: parent ? book.emitted(parent) : null,
        children: codes.children(r).map((c) => book.emitted(c)),
        batch: r.batch.id,
        ...(now.lastDocId ? { lastDocId: now.lastDocId } : {}),
        history: historyOf(codes, r),
      };
    };
    const shown = createViews({ state: ctx.state, now: () => ctx.clock.nowMs(), codeState, registry: registryOf });

    const render = (err: unknown, _op?: unknown, req?: SimRequest<Caller>): RenderedError => {
      if (err instanceof SimError) {
        const r = renderTrueApiError(err.entry as TrueApiError, [...err.args]);
        return err.details.headers ? { ...r, headers: err.details.headers } : r;
      }
      if (err instanceof RequestInvalid) return invalidRequest(err.issues[0], req?.body);
      ctx.logError('true-api: unexpected error', err);
      return renderTrueApiError(HANDBOOK.INTERNAL);
    };

    return {
      views: shown.views,
      timeline: shown.timeline,
      handlers: { ...createHandlers(rt), ...createDocumentHandlers(rt), ...createEdoHandlers(rt), ...createShipmentHandlers(rt) },
      render,
      renderStatus(status) {
        const known = Object.values(HANDBOOK).find((e) => e.status === status && !('xml' in e) && e.source.startsWith('§2.1'));
        return known ? renderTrueApiError(known) : { ...renderTrueApiError(HANDBOOK.UPSTREAM_STATUS, [status]), status };
      },
      who: (c) => ({ user: c?.participant.bin, organization: c?.participant.bin }),
      notAcceptable: () => renderTrueApiError(HANDBOOK.NOT_ACCEPTABLE),
      unmatched: (method, _path, allowed) => (allowed.length ? { ...renderTrueApiError(HANDBOOK.METHOD_NOT_ALLOWED, [method]), headers: { Allow: allowed.join(', ') } } : renderTrueApiError(HANDBOOK.PATH_NOT_FOUND)),
      async authenticate(req) {
        const token = bearerToken(req.headers.authorization as string | undefined);
        if (!token) throw new SimError(HANDBOOK.UNAUTHORIZED);
        const s = ctx.state();
        const check = await verifyJwt(token, { secret: Buffer.from(s.jwtSecret, 'hex'), nowMs: ctx.clock.nowMs() });
        if (!check.ok) throw new SimError(check.reason === 'expired' ? HANDBOOK.TOKEN_EXPIRED : HANDBOOK.TOKEN_INVALID, [token]);
        const bin = check.claims.inn as string;
        // A newer token of the same participant replaced this one (observed: the real stand says it expired).
        if (s.sessions[bin] !== check.claims.jti) throw new SimError(HANDBOOK.TOKEN_EXPIRED, [token]);
        const participant = s.world.participants.find((p) => p.bin === bin);
        if (!participant) throw new SimError(HANDBOOK.TOKEN_INVALID, [token]);
        req.principal = { participant };
      },
      rebuild: () => void registryOf(),
      summary() {
        const s = ctx.state();
        const now = ctx.clock.nowMs();
        return {
          defaultParticipant: s.world.defaultParticipant,
          participants: s.world.participants.map((p) => ({ bin: p.bin, name: p.name, organisationId: p.organisationId, roles: p.roles, registered: p.registered, contracts: p.contracts })),
          products: { total: s.world.products.length, byProductGroup: s.world.products.reduce<Record<string, number>>((m, p) => ((m[p.productGroup] = (m[p.productGroup] ?? 0) + 1), m), {}) },
          packageTypes: PACKAGE_TYPES,
          // Counted, never listed: tokens and challenges are secrets.
          authKeys: { open: Object.values(s.challenges).filter((c) => c.expiresAt > now).length },
          sessions: { total: Object.keys(s.sessions).length },
          codes: { total: s.world.batches.reduce((n, b) => n + registryOf().book.total(b), 0), batches: s.world.batches.length },
          // Invoice requests of §8.1 (not e-mailed: here is where a test finds them), the latest 100.
          prequests: {
            total: pmap.size(s.prequests),
            latest: [...pmap.values(s.prequests)]
              .sort((a, b) => b.id - a.id)
              .slice(0, 100)
              .map((x) => ({ ...x, createdAt: new Date(x.createdAt).toISOString() })),
          },
          codesOrders: { total: pmap.size(s.codesOrders) },
          documents: {
            total: pmap.size(s.documents),
            byTypeAndStatus: [...pmap.values(s.documents)].reduce<Record<string, number>>((m, d) => {
              const k = `${d.type} ${documentStatus(d, now)}`;
              m[k] = (m[k] ?? 0) + 1;
              return m;
            }, {}),
          },
          shipments: { total: pmap.size(s.shipments), acceptances: pmap.size(s.acceptances) },
          codesChangedByDocuments: pmap.size(s.codeChanges),
          certificates: { issued: pmap.size(s.certificates) },
        };
      },
      controlHandlers: {
        getTrueApiCodeState: (req) => {
          const code = String(req.params.code);
          const body = codeState(code);
          if (!body) throw new SimError(CONTROL_ERRORS.UNKNOWN_CODE, [code]);
          return { body };
        },
        // §5.10 — a receipt from a fiscal operator: a sale withdraws the codes, a return puts them back in circulation.
        createTrueApiReceipt: async (req) => {
          const b = req.body as ReceiptInput;
          if (!isValidBin(b.bin)) throw new SimError(CONTROL_ERRORS.BIN_INVALID, [b.bin]);
          const p = ctx.state().world.participants.find((x) => x.bin === b.bin);
          if (!p) throw new SimError(CONTROL_ERRORS.UNKNOWN_PARTICIPANT, [b.bin]);
          if (b.prices && b.prices.length !== b.codes.length) throw new SimError(CONTROL_ERRORS.PRICES_MISMATCH, [b.prices.length, b.codes.length]);
          if (b.documentDate !== undefined && Number.isNaN(Date.parse(b.documentDate))) throw new SimError(CONTROL_ERRORS.DATE_INVALID, [b.documentDate]);
          const d = await fileReceipt(rt, p, b);
          return { status: 201, body: { receiptId: d.id, type: d.type, status: documentStatus(d, ctx.clock.nowMs()), doneAt: new Date(d.doneAt).toISOString(), outcome: d.outcome, errors: d.errors } };
        },
        // §5.9 step 1 — an EAEU exporter's shipment reaching the importer (a foreign operator passes it on).
        createTrueApiShipment: async (req) => {
          const b = req.body as IncomingShipmentInput;
          if (!isValidBin(b.receiverBin)) throw new SimError(CONTROL_ERRORS.BIN_INVALID, [b.receiverBin]);
          const p = ctx.state().world.participants.find((x) => x.bin === b.receiverBin);
          if (!p) throw new SimError(CONTROL_ERRORS.UNKNOWN_PARTICIPANT, [b.receiverBin]);
          const x = await fileIncomingShipment(rt, p, b);
          return { status: 201, body: { shipmentId: x.id, status: 'WAIT_ACCEPTANCE', products: x.products.map((q) => q.cis) } };
        },
        issueTrueApiCertificate: async (req) => {
          const b = req.body as { bin: string; validFrom?: string; validDays?: number };
          if (!isValidBin(b.bin)) throw new SimError(CONTROL_ERRORS.BIN_INVALID, [b.bin]);
          const p = ctx.state().world.participants.find((x) => x.bin === b.bin);
          if (!p) throw new SimError(CONTROL_ERRORS.UNKNOWN_PARTICIPANT, [b.bin]);
          const notBefore = Math.max(TIME_RANGE.minMs, b.validFrom !== undefined ? Date.parse(b.validFrom) : ctx.clock.nowMs() - 86_400_000);
          const notAfter = Math.min(notBefore + (b.validDays ?? 365) * 86_400_000, TIME_RANGE.maxMs);
          const { serialNumber, password } = await ctx.commit((s, tx) => {
            const serialNumber = tx.ids.hex('certificate', 16);
            return { state: { ...s, certificates: pmap.set(s.certificates, serialNumber, { serialNumber, bin: p.bin, notBefore, notAfter }) }, serialNumber, password: tx.ids.hex('certificate-password', 16) };
          });
          const issued = await pki.issue({ bin: p.bin, iin: p.signer.iin, name: p.signer.name, organization: p.name }, { serialNumber, notBefore: new Date(notBefore), notAfter: new Date(notAfter), keys: await pki.issuedKeys(serialNumber) });
          const ca = await pki.authority();
          return {
            status: 201,
            body: {
              bin: p.bin,
              serialNumber,
              subject: issued.certificate.subject,
              notBefore: new Date(notBefore).toISOString(),
              notAfter: new Date(notAfter).toISOString(),
              certificate: issued.certificate.toString('pem'),
              privateKey: await pemOfPrivateKey(issued.privateKey),
              pkcs12: (await pkcs12Of(issued, password)).toString('base64'),
              password,
              caCertificate: ca.certificate.toString('pem'),
            },
          };
        },
      },
    };
  },
};
