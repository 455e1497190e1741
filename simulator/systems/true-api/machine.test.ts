import { describe, expect, it } from 'vitest';
import { timingDefaults } from '../../core/system.js';
import { documentStatus } from './documents.js';
import { orderDoneAt, orderStatus } from './machine.js';
import { ORDER_TRANSITIONS, TIMINGS, type OrderStatus, type TrueApiTimings } from './reference.js';
import { exportStatus } from './shipments.js';
import type { CodesOrder, Shipment, TrueApiDocument } from './state.js';

const T = timingDefaults({ timings: TIMINGS }) as TrueApiTimings;
const order = (over: Partial<CodesOrder> = {}): CodesOrder => ({ uuid: 'o1', bin: '150140000012', gtin: '04606203084630', createdAt: 0, ...over });

describe('a code-list order (§5.1–§5.3)', () => {
  it('is NEW, IN_PROGRESS, then SUCCESS, and RESULT_EXPIRED an hour later', () => {
    const at = [0, T.codesOrderStartMs as number, T.codesOrderReadyMs as number, (T.codesOrderReadyMs as number) + T.codesOrderResultTtlMs].map((now) => orderStatus(order(), now, T));
    expect(at).toEqual(['NEW', 'IN_PROGRESS', 'SUCCESS', 'RESULT_EXPIRED']);
  });

  it('ends in the failure decided when it was made', () => {
    expect(orderStatus(order({ failure: 'VALIDATION_FAILED' }), 10 ** 9, T)).toBe('VALIDATION_FAILED');
  });

  it('moves only along ORDER_TRANSITIONS', () => {
    for (const o of [order(), order({ failure: 'ERROR' })]) {
      let prev: OrderStatus = orderStatus(o, 0, T);
      for (let t = 0; t < 4_000_000; t += 500) {
        const st = orderStatus(o, t, T);
        if (st !== prev) expect(ORDER_TRANSITIONS[prev] as readonly string[]).toContain(st);
        prev = st;
      }
    }
  });

  it('waits for polls when its timings say so, whatever the clock; its result then counts from when it was made', () => {
    const polled = { ...T, codesOrderStartMs: { afterPolls: 1 }, codesOrderReadyMs: { afterPolls: 2 } };
    expect([0, 1, 2].map((polls) => orderStatus(order(), 10 ** 6, polled, polls))).toEqual(['NEW', 'IN_PROGRESS', 'SUCCESS']);
    expect(orderDoneAt(order({ createdAt: 5 }), polled)).toBe(5);
  });
});

describe('a notice (§7.2, §7.5, §7.6)', () => {
  const doc = (over: Partial<TrueApiDocument>): TrueApiDocument => ({ id: 'd', number: 'n', type: 'MTTPS_90', senderBin: 'b', docDate: 0, receivedAt: 0, doneAt: 3_000, outcome: 'CHECKED_OK', errors: [], content: '', fields: {}, codes: [], ...over });
  it('is IN_PROGRESS until processed, then its outcome', () => {
    expect([documentStatus(doc({}), 2_999), documentStatus(doc({}), 3_000), documentStatus(doc({ outcome: 'CHECKED_NOT_OK' }), 3_000)]).toEqual(['IN_PROGRESS', 'CHECKED_OK', 'CHECKED_NOT_OK']);
  });
});

describe('an export to the EAEU (§7.7)', () => {
  const x = (over: Partial<Shipment> = {}): Shipment => ({ id: 's', direction: 'export', exporterInn: 'b', exporterName: 'n', receiverInn: 'r', receiverName: 'n', countryCode: '643', documentNumber: '1', documentDate: '2026-01-01', transferDate: '2026-01-01', products: [], createdAt: 0, errors: [], content: '', ...over });
  it('is CHECKING, SENT, WAITING_ACCEPTANCE a step each, then ACCEPTED; ERROR after CHECKING when it failed', () => {
    const step = T.shipmentStepMs;
    expect([0, step, 2 * step, 3 * step].map((now) => exportStatus(x(), now, step))).toEqual(['CHECKING', 'SENT', 'WAITING_ACCEPTANCE', 'ACCEPTED']);
    expect(exportStatus(x({ errors: [{ errorCode: '1', errorMessage: 'no' }] }), step, step)).toBe('ERROR');
  });
});
