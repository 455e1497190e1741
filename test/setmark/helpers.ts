/** SetMark test helpers: the base, a package builder, the default world's marks, erp/status. */
import { expect } from 'vitest';
import type { Setup } from '../helpers.js';

export const BASE = '/setmark';
export const INN1 = '7701234560';
export const INN4 = '7802345676';
/** Marks of the default world (fixtures/setmark/world.json), on the stock of shop 1. */
export const W = {
  alcohol: '22N000003GDBDAMBBIW09QV61219001018174654WDWE6T8CFGBR7D3533QKUTMSWLDZ',
  alcoholExample: 'excise12340000101003',
  block: '014606203086627IOHop6ZAC68',
  pack1: '04606203086627IOHop61AC68',
  pack2: '04606203086627IOHop62AC68',
  pack: '04606203086627IOHop6ZAC68',
  shoes: '01046300740926092109470cde931542406401',
  milk: '0104607026551200215',
  shoesShop4: '01046300740926092109471shop4x2406401',
} as const;

export function pkg(id: number, data: unknown[], over: Record<string, unknown> = {}) {
  return { id, version: 1, inn: INN1, shop: 1, operationType: 1, productType: 3, data, ...over };
}

export async function status(s: Setup, ids: number[], shop = 1) {
  const res = await s.http.post(`${BASE}/erp/status`).send({ id: ids, version: 1, shop });
  expect(res.status).toBe(200);
  return res.body as { errorCode: number; message: string; packets: { id: number; status: number; errorCode: number; message: string; data?: { field: string; value: string; errorCode: number; message: string }[] }[] };
}

export async function validate(s: Setup, body: Record<string, unknown>) {
  const res = await s.http.post(`${BASE}/cash/validate`).send({ id: 101, version: 1, shop: 1, cash: 5, operationType: 0, productType: 3, inn: INN1, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: number; result: boolean; message: string; barcode?: string; alcocode?: string; amrc?: number };
}

export async function receipt(s: Setup, body: Record<string, unknown>) {
  const res = await s.http.post('/__sim/setmark/receipts').send({ shop: 1, cash: 1, checkNumber: 'R1', operation: 'sale', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { registered: boolean; violations: { mark: string; errorCode: number; message: string }[]; marks: { mark: string; state: string; onStock: boolean }[] };
}

export async function mark(s: Setup, code: string) {
  return (await s.http.get(`/__sim/setmark/marks/${encodeURIComponent(code)}`)).body;
}
