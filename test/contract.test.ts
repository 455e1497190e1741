import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadContract } from '../simulator/core/openapi.js';
import { PROJECT_ROOT } from '../simulator/core/paths.js';
import { HANDBOOK } from '../simulator/systems/mcoi/handbook.js';
import { renderError } from '../simulator/systems/mcoi/index.js';
import * as R from '../simulator/systems/mcoi/reference.js';
import { setup } from './helpers.js';

const mcoi = loadContract(join(PROJECT_ROOT, 'openapi', 'mcoi.yaml'));
const control = loadContract(join(PROJECT_ROOT, 'openapi', 'control.yaml'));

describe('contract coverage', () => {
  it('has a handler for every MCOI operation and an operation for every handler (15 documented operations)', async () => {
    const s = await setup();
    const ops = mcoi.operations.map((o) => o.operationId).sort();
    expect(Object.keys(s.sim.systems.mcoi.handlers).sort()).toEqual(ops);
    expect(ops).toHaveLength(15);
  });

  it('has a control-plane operation for every control handler, including those systems add', async () => {
    const s = await setup();
    expect(Object.keys(s.sim.control.handlers).sort()).toEqual(control.operations.map((o) => o.operationId).sort());
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
      ['PrintQualityClass', Object.keys(R.PRINT_QUALITY_CLASSES)],
      ['CountryCode', R.COUNTRY_CODES],
    ];
    for (const [name, values] of pairs) expect(schemas[name].enum, name).toEqual([...values]);
  });

  it('renders every handbook entry as a §1.6 envelope the contract accepts', () => {
    const op = mcoi.operations.find((o) => o.operationId === 'registerOrder')!;
    for (const [key, entry] of Object.entries(HANDBOOK)) {
      const args = Array.from({ length: typeof entry.text === 'function' ? entry.text.length : 0 }, () => 'x');
      const r = renderError(entry, args, { body: '$.x', context: { parameter: 'x' } }, 'id-1');
      expect(mcoi.validateResponse(op, r.status, 'application/json', r.body), key).toEqual([]);
      expect(r.body.globalErrors[0].error, key).not.toMatch(/undefined/);
    }
  });

  it('catches a response that breaks the contract (the checker can fail)', () => {
    const op = mcoi.operations.find((o) => o.operationId === 'listOrders')!;
    expect(mcoi.validateResponse(op, 200, 'application/json', { orderInfos: [{ orderId: 'x' }] })).not.toEqual([]);
    expect(mcoi.validateResponse(op, 200, 'application/json', { orderInfos: [], extra: 1 })).not.toEqual([]);
    expect(mcoi.validateResponse(op, 200, 'text/html', '<html>')).not.toEqual([]);
    expect(mcoi.validateResponse(op, 400, 'application/json', { message: 'framework default body' })).not.toEqual([]);
  });

  it('keeps handbook error codes unique', () => {
    const codes = Object.entries(HANDBOOK).filter(([k]) => k !== 'OWNER_NOT_SERVED').map(([, e]) => e.errorCode);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
