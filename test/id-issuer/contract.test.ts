import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../simulator/core/openapi.js';
import { PROJECT_ROOT } from '../../simulator/core/paths.js';
import { HANDBOOK } from '../../simulator/systems/id-issuer/handbook.js';
import { renderProblem } from '../../simulator/systems/id-issuer/index.js';
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

  it('renders every handbook entry as problem details the contract accepts', () => {
    const op = contract.operations.find((o) => o.operationId === 'createUnitRequest')!;
    for (const [key, entry] of Object.entries(HANDBOOK)) {
      const args = Array.from({ length: typeof entry.text === 'function' ? entry.text.length : 0 }, () => 'x');
      const body = renderProblem(entry, args);
      expect(contract.validateResponse(op, entry.status, 'application/problem+json; charset=utf-8', body), key).toEqual([]);
      expect(JSON.stringify(body), key).not.toMatch(/undefined/);
    }
  });
});
