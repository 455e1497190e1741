/**
 * A third system that exists only in the tests: a folder that declares itself like MCOI and the ID issuer do, and
 * mounts through createApp({ systems: [...SYSTEMS, third] }) with no change to core. It exercises what the next real
 * systems need: a bare JSON string body, text/plain, multipart with a file, raw bytes, a header parameter, public
 * and secured operations from the contract, an error family in XML, Accept negotiation (406, empty body), a timing,
 * a profile switch, a forced outcome, a documented rate limit and a control route.
 */
import { createHash } from 'node:crypto';
import { bearerToken } from '../../simulator/core/auth.js';
import type { UploadedFile } from '../../simulator/core/body.js';
import { SimError, type Handbook, type RenderedError } from '../../simulator/core/errors.js';
import { progression } from '../../simulator/core/progression.js';
import type { SystemModule } from '../../simulator/core/system.js';
import { toXml } from '../../simulator/core/xml.js';
import { zipFiles } from '../../simulator/core/zip.js';

interface Item {
  id: string;
  name: string;
  owner: string;
  createdAt: number;
  failed?: true;
}

export interface ThirdState {
  users: string[];
  items: Record<string, Item>;
  tokens: Record<string, string>;
}

export const THIRD_HANDBOOK = {
  BAD_INPUT: { status: 400, text: (why: string) => `bad input: ${why}`, source: 'test' },
  UNAUTHORIZED: { status: 401, text: 'who are you?', source: 'test' },
  NOT_FOUND: { status: 404, text: (id: string) => `no item ${id}`, source: 'test' },
  TOO_LARGE: { status: 413, text: 'too large', source: 'test' },
  MEDIA: { status: 415, text: (why: string) => why, source: 'test' },
  TOO_MANY: { status: 429, text: (n: number) => `at most ${n} a minute`, source: 'test' },
  BROKEN: { status: 500, text: 'broken', source: 'test' },
} as const satisfies Handbook;

const envelope = (status: number, problem: string, code?: string): RenderedError => ({ status, body: { problem, ...(code ? { code } : {}) } });

const ITEM_TRANSITIONS = { PENDING: ['READY'], READY: [], FAILED: [] } as const;
/** An item is PENDING while it is processed, then READY (FAILED from the start when a scenario forces it). */
const ITEM = progression('item', ITEM_TRANSITIONS, [{ status: 'PENDING', until: 'itemReadyMs' }], ['READY']);

export const third: SystemModule<ThirdState, string> = {
  id: 'third',
  title: 'A third system (test only)',
  base: '/third',
  contract: 'test/third-system/contract.yaml',
  controlContract: 'test/third-system/control.yaml',
  handbook: THIRD_HANDBOOK,
  timings: { itemReadyMs: { default: 1_000, polls: true, description: 'An item is PENDING this long, then READY.' } },
  transitions: { item: ITEM_TRANSITIONS },
  rateLimit: { documented: 5, source: 'test', error: 'TOO_MANY' },
  switches: { itemStyle: { env: 'SIM_THIRD_STYLE', values: ['plain', 'fancy'], default: 'plain', description: 'How items are shown.' } },
  outcomes: { itemFailed: { operations: ['createItem'], schema: { const: true }, description: 'The item ends FAILED.' } },
  callers: { user: 'user name' },
  fixture: 'test/third-system/world.json',
  worldOverlay: { type: 'object', additionalProperties: false, properties: { users: { type: 'array', items: { type: 'string' } } } },

  initialWorld(fixture) {
    const f = fixture as { users: string[]; items: Omit<Item, 'createdAt'>[] };
    return { state: { users: f.users, items: Object.fromEntries(f.items.map((i) => [i.id, { ...i, createdAt: 0 }])), tokens: {} }, blobs: {} };
  },

  overlayWorld: (state, o) => ({ ...state, users: [...state.users, ...((o.users as string[] | undefined) ?? [])] }),

  create(ctx) {
    const status = (i: Item) => (i.failed ? 'FAILED' : (ITEM.at({ since: i.createdAt, now: ctx.now(), polls: ctx.polls(`item:${i.id}`) }, ctx.timings()) ?? 'READY'));
    const view = (i: Item) => ({ id: i.id, name: i.name, status: status(i), style: ctx.profile('itemStyle') as string });
    return {
      handlers: {
        login: async (req) => {
          const user = req.body as string;
          if (!ctx.state().users.includes(user)) throw new SimError(THIRD_HANDBOOK.BAD_INPUT, [`no user ${user}`]);
          const r = await ctx.commit((s, tx) => {
            const token = tx.ids.uuid('token');
            return { state: { ...s, tokens: { ...s.tokens, [token]: user } }, token };
          });
          return { body: { token: r.token } };
        },
        createItem: async (req) => {
          const forced = req.forced as { itemFailed?: true } | undefined;
          const r = await ctx.commit((s, tx) => {
            const item: Item = { id: tx.ids.uuid('item'), name: (req.body as { name: string }).name, owner: req.principal!, createdAt: ctx.clock.nowMs(), ...(forced?.itemFailed ? { failed: true as const } : {}) };
            return { state: { ...s, items: { ...s.items, [item.id]: item } }, item, events: [{ type: 'ItemCreated', id: item.id }] };
          });
          return { status: 201, headers: { Location: `/items/${r.item.id}` }, body: { id: r.item.id } };
        },
        getItem: async (req) => {
          const item = ctx.state().items[String(req.params.id)];
          if (!item || item.owner !== req.principal) throw new SimError(THIRD_HANDBOOK.NOT_FOUND, [String(req.params.id)]);
          await ctx.poll([`item:${item.id}`]);
          // The media type follows Accept where the contract offers two; anything else is the system's 406.
          const xml = /application\/xml/.test(String(req.headers.accept ?? '')) && !/application\/json/.test(String(req.headers.accept));
          return xml ? { contentType: 'application/xml', body: toXml({ item: view(item) }) } : { body: view(item) };
        },
        exportItem: (req) => {
          const item = ctx.state().items[String(req.params.id)];
          if (!item || item.owner !== req.principal) throw new SimError(THIRD_HANDBOOK.NOT_FOUND, [String(req.params.id)]);
          return { contentType: 'application/zip', body: zipFiles([{ name: 'item.json', data: JSON.stringify({ id: item.id, name: item.name }) }], { mtimeMs: item.createdAt }) };
        },
        postNote: (req) => ({ body: { length: (req.body as string).length } }),
        postFile: (req) => {
          if (Buffer.isBuffer(req.body)) return { body: { bytes: req.body.length, sha256: createHash('sha256').update(req.body).digest('hex') } };
          const parts = req.body as { file: UploadedFile; kind: string };
          return { body: { bytes: parts.file.data.length, sha256: createHash('sha256').update(parts.file.data).digest('hex'), filename: parts.file.filename, kind: parts.kind } };
        },
      },
      auth: {
        authenticate(req) {
          const user = ctx.state().tokens[bearerToken(req.headers.authorization as string | undefined) ?? ''];
          if (!user) throw new SimError(THIRD_HANDBOOK.UNAUTHORIZED);
          req.principal = user;
        },
        who: (user) => ({ user }),
      },
      envelope: {
        // An error family of its own per operation: 401s are XML, everything else the JSON envelope.
        entry: (err, at) =>
          err.entry.status === 401 ? { status: 401, contentType: 'application/xml', body: toXml({ Unauthorized: { operation: at.op?.operationId ?? '', reason: err.message } }) } : envelope(err.entry.status, err.message),
        tooLarge: () => envelope(413, 'too large'),
        mediaType: (i) => envelope(415, i.message),
        malformed: (i) => envelope(400, `${i.in} ${i.path}: ${i.message}`, i.reason),
        invalid: ([i]) => envelope(400, `${i.in} ${i.path}: ${i.message}`, i.reason),
        internal: () => envelope(500, 'broken'),
        methodNotAllowed: (method, _allowed, path) => envelope(404, `no route ${method} ${path}`),
        pathNotFound: (method, path) => envelope(404, `no route ${method} ${path}`),
        upstream: (st) => envelope(st, `status ${st}`),
        notAcceptable: () => ({ status: 406, body: undefined }),
      },
      summary: () => ({ items: Object.keys(ctx.state().items).length }),
      control: {
        listThirdItems: () => ({ body: { items: Object.values(ctx.state().items).map((i) => ({ id: i.id, name: i.name, owner: i.owner })) } }),
      },
    };
  },
};
