/**
 * The contracts' examples: each validates against the schema it illustrates (Ajv 2020-12 over the contract as a
 * whole, so $refs resolve), and the ID issuer's contract has one for every request body and every success answer —
 * verbatim from its document (ID issuer API v3) where the document has one. Example-driven tools (Prism's mock,
 * Portman, Swagger UI) read them.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { setup } from './helpers.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void;

interface Media {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { value?: unknown }>;
}
interface OperationDoc {
  operationId: string;
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { content?: Record<string, Media>; $ref?: string }>;
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every example of a contract with the JSON pointer of the schema it illustrates. */
function examplesOf(doc: { paths?: Record<string, Record<string, OperationDoc>> }) {
  const found: { op: string; where: string; pointer: string; value: unknown }[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const base = `#/paths/${esc(path)}/${method}`;
      const media = (where: string, ptr: string, content: Record<string, Media> | undefined) => {
        for (const [type, m] of Object.entries(content ?? {})) {
          const pointer = `${ptr}/content/${esc(type)}/schema`;
          if (m.example !== undefined) found.push({ op: op.operationId, where: `${where} ${type}`, pointer, value: m.example });
          for (const [name, e] of Object.entries(m.examples ?? {})) if (e.value !== undefined) found.push({ op: op.operationId, where: `${where} ${type} (${name})`, pointer, value: e.value });
        }
      };
      media('request', `${base}/requestBody`, op.requestBody?.content);
      for (const [status, r] of Object.entries(op.responses ?? {})) media(status, `${base}/responses/${status}`, r.content);
    }
  return found;
}

describe('the contracts\' examples', () => {
  it('each validates against its schema, in every contract', async () => {
    const s = await setup();
    let checked = 0;
    for (const [id, contract] of Object.entries(s.sim.contracts)) {
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema(contract.document as object, id);
      for (const e of examplesOf(contract.document as never)) {
        const validate = ajv.compile({ $ref: `${id}${e.pointer}` });
        const ok = validate(e.value);
        expect(ok, `${id} ${e.op} ${e.where}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(9);
  });

  it('the ID issuer has an example for every request body and every success answer with a body', async () => {
    const s = await setup();
    const doc = s.sim.contracts['id-issuer'].document as unknown as { paths: Record<string, Record<string, OperationDoc>> };
    const have = new Set(examplesOf(doc).map((e) => `${e.op} ${e.where.split(' ')[0]}`));
    const missing: string[] = [];
    for (const item of Object.values(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        if (op.requestBody && !have.has(`${op.operationId} request`)) missing.push(`${op.operationId} request`);
        for (const [status, r] of Object.entries(op.responses ?? {})) if (/^2/.test(status) && r.content && !have.has(`${op.operationId} ${status}`)) missing.push(`${op.operationId} ${status}`);
      }
    expect(missing).toEqual([]);
  });

  it('an example that breaks its schema is caught (the check can fail)', () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ paths: { '/x': { get: { responses: { '200': { content: { 'application/json': { schema: { type: 'object', required: ['a'] } } } } } } } } }, 'broken');
    expect(ajv.compile({ $ref: 'broken#/paths/~1x/get/responses/200/content/application~1json/schema' })({ b: 1 })).toBe(false);
  });
});
