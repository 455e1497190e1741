import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadContract } from '../simulator/core/openapi.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { HANDBOOK } from '../simulator/systems/mcoi/handbook.js';
import { renderError } from '../simulator/systems/mcoi/envelope.js';
import * as R from '../simulator/systems/mcoi/reference.js';
import { setup } from './helpers.js';

const mcoi = loadContract(join(PROJECT_ROOT, 'openapi', 'mcoi.yaml'));
const control = loadContract(join(PROJECT_ROOT, 'openapi', 'control.yaml'));

describe('contract coverage', () => {
  it('has a handler for every MCOI operation and an operation for every handler (15 documented operations, the rest observed)', async () => {
    const s = await setup();
    const ops = mcoi.operations.map((o) => o.operationId).sort();
    expect(Object.keys(s.sim.systems.mcoi.handlers).sort()).toEqual(ops);
    expect(ops).toHaveLength(15 + R.EXTENSION_OPERATIONS.length);
  });

  it('tags every MCOI operation documented or observed-extension, the latter exactly reference.ts EXTENSION_OPERATIONS', () => {
    const tagged = (tag: string) =>
      Object.values(mcoi.document.paths ?? {})
        .flatMap((item) => Object.values(item as Record<string, { operationId?: string; tags?: string[]; 'x-sim-source'?: string }>))
        .filter((op) => op.tags?.includes(tag));
    const observed = tagged('observed-extension');
    expect(observed.map((o) => o.operationId).sort()).toEqual([...R.EXTENSION_OPERATIONS].sort());
    for (const o of observed) expect(o['x-sim-source'], o.operationId).toBe('observed');
    expect(tagged('documented')).toHaveLength(15);
  });

  it('has a control-plane operation for every control handler, including those systems add', async () => {
    const s = await setup();
    expect(Object.keys(s.sim.control.handlers).sort()).toEqual(s.sim.contracts.control.operations.map((o) => o.operationId).sort());
    // core's own, and one each system adds through its control contract
    expect(s.sim.contracts.control.operations.map((o) => o.operationId)).toEqual(expect.arrayContaining([...control.operations.map((o) => o.operationId), 'getMcoiCodeState', 'mintIdIssuerToken']));
  });

  it('declares the guards\' answers on every control operation: 403 (Host, Origin) everywhere, 401 wherever a token is asked', async () => {
    const s = await setup();
    const doc = s.sim.contracts.control.document as unknown as { security?: unknown[]; paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: Record<string, unknown> }>> };
    expect(doc.security).toEqual([{}, { controlToken: [] }]);
    for (const item of Object.values(doc.paths))
      for (const op of Object.entries(item).filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map(([, o]) => o)) {
        expect(Object.keys(op.responses), op.operationId).toContain('403');
        if (op.security?.length !== 0) expect(Object.keys(op.responses), op.operationId).toContain('401');
      }
  });

  it('gives every operation a role in the §2.4 table', () => {
    expect(Object.keys(R.ROLE_FOR_OPERATION).sort()).toEqual(mcoi.operations.map((o) => o.operationId).sort());
  });

  it('spells the enums of the contract as reference.ts does', () => {
    const schemas = (mcoi.document.components?.schemas ?? {}) as Record<string, { enum?: string[] }>;
    const pairs: [string, readonly string[]][] = [
      ['ProductGroup', R.PRODUCT_GROUPS],
      ['ReleaseMethodType', R.RELEASE_METHOD_TYPES],
      ['ReleaseType', R.RELEASE_TYPES],
      ['CisType', R.CIS_TYPES],
      ['SerialNumberType', R.SERIAL_NUMBER_TYPES],
      ['OrderStatus', R.ORDER_STATUSES],
      ['BufferStatus', R.BUFFER_STATUSES],
      ['ReportStatus', R.REPORT_STATUSES],
      ['DocumentStatus', R.DOCUMENT_STATUSES],
      ['DocumentType', R.DOCUMENT_TYPES],
      ['PackageType', R.PACKAGE_TYPES],
      ['PrintQualityClass', Object.keys(R.PRINT_QUALITY_CLASSES)],
      ['CountryCode', R.COUNTRY_CODES],
    ];
    for (const [name, values] of pairs) expect(schemas[name].enum, name).toEqual([...values]);
  });

  it('renders every handbook entry as a §1.6 envelope that an operation declaring its status accepts', () => {
    for (const [key, entry] of Object.entries(HANDBOOK)) {
      const args = Array.from({ length: typeof entry.text === 'function' ? entry.text.length : 0 }, () => 'x');
      const r = renderError(entry, args, { body: '$.x', context: { parameter: 'x' } }, 'id-1');
      // An operation declaring the status in the §1.6 envelope (a 403 only the Host guard answers is problem details).
      const ops = mcoi.operations.filter((o) => (o.responses[String(r.status)] ?? o.responses[`${String(r.status)[0]}XX`])?.content?.['application/json']);
      // Statuses no operation declares (405, an unknown path) are answered outside any operation: the unmatched response.
      if (!ops.length) expect(mcoi.validateResponse(undefined, r.status, 'application/json', r.body), key).toEqual([]);
      for (const op of ops) expect(mcoi.validateResponse(op, r.status, 'application/json', r.body, { 'retry-after': '1' }), `${key} on ${op.operationId}`).toEqual([]);
      expect(r.body.globalErrors[0].error, key).not.toMatch(/undefined/);
    }
  });

  it('declares no catch-all default response: an undeclared status fails the check', () => {
    for (const c of [mcoi, control]) for (const op of c.operations) expect(Object.keys(op.responses), op.operationId).not.toContain('default');
    const op = mcoi.operations.find((o) => o.operationId === 'listOrders')!;
    const notFound = renderError(HANDBOOK.ORDER_NOT_FOUND, ['x']);
    expect(mcoi.validateResponse(op, 409, 'application/json', notFound.body)).toEqual(['listOrders: status 409 is not in the contract']);
  });

  it('checks the headers a response declares', () => {
    const op = mcoi.operations.find((o) => o.operationId === 'listOrders')!;
    const tooMany = renderError(HANDBOOK.TOO_MANY_REQUESTS, [100]).body;
    expect(mcoi.validateResponse(op, 429, 'application/json', tooMany, {})).toEqual(['listOrders 429: header Retry-After is required']);
    expect(mcoi.validateResponse(op, 429, 'application/json', tooMany, { 'retry-after': 'soon' })[0]).toMatch(/header Retry-After "soon" must be integer/);
    expect(mcoi.validateResponse(op, 429, 'application/json', tooMany, { 'retry-after': '12' })).toEqual([]);
  });

  it('catches a response that breaks the contract (the checker can fail)', () => {
    const op = mcoi.operations.find((o) => o.operationId === 'listOrders')!;
    expect(mcoi.validateResponse(op, 200, 'application/json', { orderInfos: [{ orderId: 'x' }] })).not.toEqual([]);
    expect(mcoi.validateResponse(op, 200, 'application/json', { orderInfos: [], extra: 1 })).not.toEqual([]);
    expect(mcoi.validateResponse(op, 200, 'text/html', '<html>')).not.toEqual([]);
    expect(mcoi.validateResponse(op, 400, 'application/json', { message: 'framework default body' })).not.toEqual([]);
  });

  it('keeps handbook error codes unique', () => {
    const codes = Object.entries(HANDBOOK).filter(([k]) => k !== 'OWNER_NOT_SERVED' && k !== 'NO_PERMISSION_STAGE').map(([, e]) => e.errorCode);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('contract loading', () => {
  it('refuses a templated path listed before a literal one it would shadow', async () => {
    const { Contract } = await import('../simulator/core/openapi.js');
    const ok = { responses: { '200': { description: 'ok' } } };
    const doc = (paths: Record<string, unknown>) => ({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths });
    expect(() => new Contract(doc({ '/product/{id}': { get: { operationId: 'one', ...ok } }, '/product/search': { get: { operationId: 'search', ...ok } } }) as never, 'x.yaml')).toThrow(
      /GET \/product\/\{id\} is listed before \/product\/search, which it also matches/,
    );
    const fine = new Contract(doc({ '/product/search': { get: { operationId: 'search', ...ok } }, '/product/{id}': { get: { operationId: 'one', ...ok } } }) as never, 'x.yaml');
    expect([fine.match('get', '/product/search')?.op.operationId, fine.match('get', '/product/7')?.op.operationId]).toEqual(['search', 'one']);
  });
});
