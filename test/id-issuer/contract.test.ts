import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../simulator/core/openapi.js';
import { PROJECT_ROOT } from '../../simulator/core/paths.js';
import { HANDBOOK } from '../../simulator/systems/id-issuer/handbook.js';
import { renderProblem } from '../../simulator/systems/id-issuer/envelope.js';
import * as R from '../../simulator/systems/id-issuer/reference.js';
import { setup } from '../helpers.js';

const contract = loadContract(join(PROJECT_ROOT, 'openapi', 'id-issuer.yaml'));

describe('ID-issuer contract', () => {
  it('has a handler for every operation and an operation for every handler', async () => {
    const s = await setup();
    expect(Object.keys(s.sim.systems['id-issuer'].handlers).sort()).toEqual(contract.operations.map((o) => o.operationId).sort());
    expect(contract.operations).toHaveLength(8);
  });

  it('spells the enums as reference.ts does', () => {
    const schemas = (contract.document.components?.schemas ?? {}) as Record<string, { enum?: string[] }>;
    expect(schemas.RequestStatus.enum).toEqual([...R.REQUEST_STATUSES]);
    expect(schemas.IdentifierStatus.enum).toEqual([...R.IDENTIFIER_STATUSES]);
    expect(schemas.RejectionReason.enum).toEqual([...R.REJECTION_REASONS]);
    expect(schemas.CancellationReason.enum).toEqual([...R.CANCELLATION_REASONS]);
    expect(schemas.Format.enum).toEqual([...R.FORMATS]);
  });

  it('renders every handbook entry as problem details that an operation declaring its status accepts', () => {
    const headers = { 'www-authenticate': 'Bearer', 'retry-after': '1' };
    for (const [key, entry] of Object.entries(HANDBOOK)) {
      const args = Array.from({ length: typeof entry.text === 'function' ? entry.text.length : 0 }, () => 'x');
      const body = renderProblem(entry, args);
      const ops = contract.operations.filter((o) => o.responses[String(entry.status)] || o.responses[`${String(entry.status)[0]}XX`]);
      // Statuses no operation declares (405, an unknown path) are answered outside any operation: the unmatched response.
      if (!ops.length) expect(contract.validateResponse(undefined, entry.status, 'application/problem+json', body), key).toEqual([]);
      for (const op of ops) expect(contract.validateResponse(op, entry.status, 'application/problem+json; charset=utf-8', body, headers), `${key} on ${op.operationId}`).toEqual([]);
      expect(JSON.stringify(body), key).not.toMatch(/undefined/);
    }
  });

  it('declares no catch-all default response, and requires the headers the service always sends', () => {
    for (const op of contract.operations) expect(Object.keys(op.responses), op.operationId).not.toContain('default');
    const op = contract.operations.find((o) => o.operationId === 'createUnitRequest')!;
    expect(contract.validateResponse(op, 201, 'application/json', { requestId: 25 }, {})).toEqual(['createUnitRequest 201: header Location is required']);
    expect(contract.validateResponse(op, 401, 'application/problem+json', renderProblem(HANDBOOK.UNAUTHORIZED, ['x']), {})).toEqual(['createUnitRequest 401: header WWW-Authenticate is required']);
  });
});
