/**
 * The contracts' examples: each validates against the schema it illustrates (Ajv 2020-12 over the contract as a
 * whole, so $refs resolve); every contract has one for every request body and every success answer with a body (a
 * ZIP excepted); and one taken from a source document cites it by title, version and section. Example-driven tools
 * (Prism's mock, Portman, Dredd, Swagger UI) read them.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void;

interface Media {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { value?: unknown; $ref?: string }>;
}
interface Described {
  $ref?: string;
  content?: Record<string, Media>;
}
interface OperationDoc {
  operationId: string;
  parameters?: Described[];
  requestBody?: Described;
  responses?: Record<string, Described>;
}
type ContractDoc = { paths?: Record<string, Record<string, OperationDoc>> };

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** Binary answers (a ZIP) have no example a reader could use; every other media type must show one. */
const BINARY = /^application\/(zip|octet-stream)$/;

/** A request body or response, followed through its $ref: the object and the JSON pointer it lives at. */
function resolve(doc: ContractDoc, pointer: string, node: Described | undefined): { pointer: string; node: Described | undefined } {
  for (let hops = 0; node?.$ref && hops < 10; hops++) {
    pointer = node.$ref;
    node = node.$ref.replace(/^#\//, '').split('/').reduce<unknown>((at, k) => (at as Record<string, unknown> | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc) as Described | undefined;
  }
  return { pointer, node };
}

/** Every operation's request body and success answers with a body: which media types they have and which show an example. */
function bodiesOf(doc: ContractDoc) {
  const bodies: { op: string; where: string; pointer: string; type: string; media: Media }[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const base = `#/paths/${esc(path)}/${method}`;
      const add = (where: string, at: string, described: Described | undefined) => {
        const { pointer, node } = resolve(doc, at, described);
        for (const [type, media] of Object.entries(node?.content ?? {})) bodies.push({ op: op.operationId, where, pointer: `${pointer}/content/${esc(type)}`, type, media });
      };
      add('request', `${base}/requestBody`, op.requestBody);
      for (const [status, r] of Object.entries(op.responses ?? {})) add(status, `${base}/responses/${status}`, r);
    }
  return bodies;
}

/** A validator of the schema at a JSON pointer of a contract (Ajv 2020-12 over the whole document, so $refs resolve). */
function schemasOf(id: string, doc: unknown) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, id);
  return (pointer: string) => ajv.compile({ $ref: `${id}${pointer}` });
}

/** Every example of a contract with the JSON pointer of the schema it illustrates (each shared body once). */
function examplesOf(doc: ContractDoc) {
  const found = new Map<string, { op: string; where: string; pointer: string; value: unknown }>();
  for (const b of bodiesOf(doc)) {
    const pointer = `${b.pointer}/schema`;
    if (b.media.example !== undefined) found.set(`${pointer} example`, { op: b.op, where: `${b.where} ${b.type}`, pointer, value: b.media.example });
    for (const [name, e] of Object.entries(b.media.examples ?? {})) if (e.value !== undefined) found.set(`${pointer} ${name}`, { op: b.op, where: `${b.where} ${b.type} (${name})`, pointer, value: e.value });
  }
  return [...found.values()];
}

describe('the contracts\' examples', () => {
  it('each validates against its schema, in every contract', async () => {
    const s = await setup();
    let checked = 0;
    const failures: string[] = [];
    for (const [id, contract] of Object.entries(s.sim.contracts)) {
      const schemaAt = schemasOf(id, contract.document);
      for (const e of examplesOf(contract.document as ContractDoc)) {
        const validate = schemaAt(e.pointer);
        const ok = validate(e.value);
        if (!ok) failures.push(`${id} ${e.op} ${e.where}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(170);
  });

  it('every contract shows an example of every request body and every success answer with a body', async () => {
    const s = await setup();
    const missing: string[] = [];
    let bodies = 0;
    for (const [id, contract] of Object.entries(s.sim.contracts))
      for (const b of bodiesOf(contract.document as ContractDoc)) {
        if (b.where !== 'request' && !/^2/.test(b.where)) continue;
        if (BINARY.test(b.type)) continue;
        bodies++;
        const shown = b.media.example !== undefined || Object.values(b.media.examples ?? {}).some((e) => e.value !== undefined || e.$ref);
        if (!shown) missing.push(`${id} ${b.op} ${b.where} ${b.type}`);
      }
    expect(missing).toEqual([]);
    expect(bodies).toBeGreaterThan(170);
  });

  it('every required parameter shows an example, and each parameter example validates against its schema', async () => {
    const s = await setup();
    const missing: string[] = [];
    const failures: string[] = [];
    let shown = 0;
    for (const [id, contract] of Object.entries(s.sim.contracts)) {
      const doc = contract.document as unknown as ContractDoc;
      const schemaAt = schemasOf(id, doc);
      for (const [path, item] of Object.entries(doc.paths ?? {}))
        for (const [method, op] of Object.entries(item)) {
          if (!METHODS.includes(method)) continue;
          const all = [...((item as unknown as { parameters?: Described[] }).parameters ?? []).map((p, i) => [`#/paths/${esc(path)}/parameters/${i}`, p] as const), ...(op.parameters ?? []).map((p, i) => [`#/paths/${esc(path)}/${method}/parameters/${i}`, p] as const)];
          for (const [at, raw] of all) {
            const { pointer, node } = resolve(doc, at, raw);
            const p = node as { name: string; in: string; required?: boolean; example?: unknown };
            if (p.example === undefined) {
              if (p.required) missing.push(`${id} ${op.operationId} ${p.in} ${p.name}`);
              continue;
            }
            shown++;
            const validate = schemaAt(`${pointer}/schema`);
            if (!validate(p.example)) failures.push(`${id} ${op.operationId} ${p.name}: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
          }
        }
    }
    expect(missing).toEqual([]);
    expect(failures).toEqual([]);
    expect(shown).toBeGreaterThan(60);
  });

  it('an example taken from a document says so, citing the document by title, version and section', async () => {
    const s = await setup();
    const cited: string[] = [];
    for (const [id, contract] of Object.entries(s.sim.contracts))
      for (const b of bodiesOf(contract.document as ContractDoc))
        for (const [name, e] of Object.entries(b.media.examples ?? {}) as [string, { summary?: string }][])
          if (name === 'document' || /the example/.test(e.summary ?? '')) {
            expect(e.summary, `${id} ${b.op} ${b.where} (${name})`).toMatch(/^(ASL BELGISI MCOI v1\.1\.17|True API v2\.22|ID issuer API v3|SetMark API for ERP integration) §\d+(\.\d+)*/);
            cited.push(`${id} ${b.op}`);
          }
    expect(cited.length).toBeGreaterThan(40);
  });

  it('a fresh world accepts every request example of the control plane\'s routes that take a body', async () => {
    const s = await setup();
    const doc = s.sim.contracts.control.document as unknown as ContractDoc;
    const refused: string[] = [];
    let sent = 0;
    for (const b of bodiesOf(doc)) {
      if (b.where !== 'request' || !/json/.test(b.type)) continue;
      const [path, method] = (Object.entries(doc.paths ?? {}).flatMap(([p, item]) => Object.entries(item).filter(([, op]) => op.operationId === b.op).map(([m]) => [p, m])))[0];
      if (path.includes('{')) continue; // its path names an entity of some world
      for (const [name, e] of Object.entries(b.media.examples ?? {})) {
        await s.http.post('/__sim/reset').send({});
        const res = await s.http[method as 'post'](`/__sim${path}`).send(e.value as object);
        sent++;
        if (res.status >= 300) refused.push(`${b.op} (${name}): ${res.status} ${JSON.stringify(res.body)}`);
      }
    }
    expect(refused).toEqual([]);
    expect(sent).toBeGreaterThan(12);
  });

  it('an example that breaks its schema is caught (the check can fail)', () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ paths: { '/x': { get: { responses: { '200': { content: { 'application/json': { schema: { type: 'object', required: ['a'] } } } } } } } } }, 'broken');
    expect(ajv.compile({ $ref: 'broken#/paths/~1x/get/responses/200/content/application~1json/schema' })({ b: 1 })).toBe(false);
  });
});
