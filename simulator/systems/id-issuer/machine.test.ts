import { describe, expect, it } from 'vitest';
import { timingDefaults } from '../../core/system.js';
import { TIMINGS, type IdIssuerTimings, IDENTIFIER_TRANSITIONS, LIMITS, REQUEST_TRANSITIONS, type IdentifierStatus, type RequestStatus } from './reference.js';
import * as M from './machine.js';
import type { UnitRequest, World } from './state.js';

const T = timingDefaults({ timings: TIMINGS }) as IdIssuerTimings;
const world: World = { issuerIdentificationCode: 'PWPW', economicOperators: [], facilities: [{ id: 'F', economicOperatorId: 'E', name: '', active: true, inRouter: true }], machines: [], users: [] };
const req = (over: Partial<UnitRequest> = {}): UnitRequest => ({
  requestId: 1,
  economicOperatorId: 'E',
  facilityId: 'F',
  processType: false,
  machineId: null,
  routeData: { intendedMarket: 'PL', intendedRoute: null, fromOutOfUE: false },
  productData: { cnCode: 'c', productBrand: 'b', productType: 't', productTypeDescription: '', productWeight: 1, euCegIdentifier: 'e', euCegProductNumber: 'n', subTypeName: null, units: 1, optionalId: '' },
  reqQuantity: 1,
  processImmediately: false,
  createdAt: 0,
  createdBy: 'u',
  downloads: {},
  ...over,
});

describe('requestStatus', () => {
  const W = LIMITS.cancellationWindowMs;
  it.each([
    ['just created', req(), 0, 'New'],
    ['processed', req(), 2_000, 'Accepted'],
    ['window over', req(), 2_000 + W, 'PassedToGeneration'],
    ['immediately', req({ processImmediately: true }), 2_000, 'PassedToGeneration'],
    ['rejected', req({ rejectionReason: 'EONotActive' }), 2_000, 'Rejected'],
    ['rejected, still New', req({ rejectionReason: 'EONotActive' }), 1_999, 'New'],
    ['cancelled', req({ canceledAt: 10 }), 5_000 + W, 'CanceledByClient'],
  ] as const)('%s → %s', (_n, r, now, expected) => expect(M.requestStatus(r, now, T)).toBe(expected));

  it('moves only along REQUEST_TRANSITIONS and IDENTIFIER_TRANSITIONS', () => {
    for (const r of [req(), req({ processImmediately: true }), req({ rejectionReason: 'EONotActive' }), req({ processImmediately: true, cannotSynchronize: true })]) {
      let prev: RequestStatus = M.requestStatus(r, 0, T);
      let prevId: IdentifierStatus | null = null;
      for (let t = 0; t <= W + 30_000; t += 500) {
        const st = M.requestStatus(r, t, T);
        if (st !== prev) expect(REQUEST_TRANSITIONS[prev] as readonly string[]).toContain(st);
        const ids = M.identifierStatus(r, world, t, T);
        if (prevId && ids !== prevId) expect(IDENTIFIER_TRANSITIONS[prevId] as readonly string[]).toContain(ids);
        prev = st;
        prevId = ids;
      }
    }
  });
});

describe('page', () => {
  it('counts pages and items', () => {
    expect(M.page([1, 2, 3, 4, 5], 2, 2)).toEqual({ items: [3, 4], pagesCount: 3, totalItemsCount: 5, pageNumber: 2, pageSize: 2 });
    expect(M.page([], 1, 25)).toEqual({ items: [], pagesCount: 0, totalItemsCount: 0, pageNumber: 1, pageSize: 25 });
  });
});
