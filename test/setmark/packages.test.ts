import { describe, expect, it } from 'vitest';
import { setup } from '../helpers.js';
import { BASE, INN1, mark, pkg, receipt, status, validate, W } from './helpers.js';

describe('/erp/add_mark and /erp/status', () => {
  it('accepts a package with a bare 200, shows status 2 while processing, then 3; the marks are on stock only then', async () => {
    const s = await setup();
    const code = '010463007409260921NEWSHOE0000001';
    const res = await s.http.post(`${BASE}/erp/add_mark`).send(pkg(101, [{ mark: code, barcode: '4630074092609', item: '2201', gtd: '1234567', rccw: '654', country: 'Россия' }]));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(await status(s, [101])).toEqual({ version: 1, shop: 1, errorCode: 0, message: 'OK', packets: [{ id: 101, status: 2, errorCode: 0, message: 'OK' }] });
    expect((await validate(s, { mark: code })).result).toBe(false);
    s.advance(2_000);
    expect((await status(s, [101])).packets).toEqual([{ id: 101, status: 3, errorCode: 0, message: 'OK' }]);
    expect(await validate(s, { mark: code })).toEqual({ id: 101, result: true, message: 'OK', barcode: '4630074092609' });
    expect(s.violations).toEqual([]);
  });

  it('an unknown id is status 0 with 502; another shop does not see the package', async () => {
    const s = await setup();
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(7, [{ mark: 'X1' }])).expect(200);
    expect((await status(s, [7, 8])).packets[1]).toEqual({ id: 8, status: 0, errorCode: 502, message: 'Неизвестный идентификатор (id) пакета' });
    expect((await status(s, [7], 2)).packets[0].status).toBe(0);
    expect(s.violations).toEqual([]);
  });

  it('a package with a sold mark and an empty one is status 4 / 506 with 507 and 501; the rest is processed', async () => {
    const s = await setup();
    await receipt(s, { marks: [{ mark: W.shoes }] });
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(102, [{ mark: W.shoes }, { mark: '' }, { mark: 'NEW-1' }])).expect(200);
    s.advance(2_000);
    expect((await status(s, [102])).packets[0]).toEqual({
      id: 102,
      status: 4,
      errorCode: 506,
      message: 'Ошибка при обработке марки',
      data: [
        { field: 'mark', value: W.shoes, errorCode: 507, message: 'По данной марке уже зарегистрирована продажа' },
        { field: 'mark', value: '', errorCode: 501, message: 'Не указан код маркировки' },
      ],
    });
    expect((await mark(s, 'NEW-1')).onStock).toBe(true);
    expect((await mark(s, W.shoes)).state).toBe('SOLD');
    expect(s.violations).toEqual([]);
  });

  it('an invalid header is a 400 in Spring\'s envelope and status 1 / 504 with the fields', async () => {
    const s = await setup();
    const res = await s.http.post(`${BASE}/erp/add_mark`).send(pkg(103, [{ mark: 'A' }], { version: 2, productType: 9, operationType: 3 }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ timestamp: expect.any(String), status: 400, error: 'Bad Request', message: expect.stringContaining('Пакет 103'), path: '/erp/add_mark' });
    expect((await status(s, [103])).packets[0]).toEqual({
      id: 103,
      status: 1,
      errorCode: 504,
      message: 'Не корректное значение поля',
      data: [
        { field: 'version', value: '2', errorCode: 504, message: 'должно быть между 1 и 1' },
        { field: 'operationType', value: '3', errorCode: 503, message: 'Не поддерживаемый тип операции' },
        { field: 'productType', value: '9', errorCode: 504, message: 'должно быть между 1 и 18' },
      ],
    });
    expect(s.violations).toEqual([]);
  });

  it('a field of the wrong type is refused by the contract and still recorded as status 1', async () => {
    const s = await setup();
    const res = await s.http.post(`${BASE}/erp/add_mark`).send(pkg(104, 'not a list' as unknown as unknown[]));
    expect(res.status).toBe(400);
    expect((await status(s, [104])).packets[0]).toMatchObject({ status: 1, errorCode: 504, data: [{ field: 'data', errorCode: 504 }] });
    // No readable id: nothing to record.
    expect((await s.http.post(`${BASE}/erp/add_mark`).send({ version: 1 })).status).toBe(400);
    expect((await s.http.post(`${BASE}/erp/add_mark`).set('content-type', 'application/json').send('{"id": 1,')).status).toBe(400);
    expect(s.violations).toEqual([]);
  });

  it('check.inn on needs inn; a bad INN check digit and an unknown shop are refused; numeric strings are read as numbers', async () => {
    const s = await setup();
    const noInn = pkg(105, [{ mark: 'A' }]) as Record<string, unknown>;
    delete noInn.inn;
    expect((await s.http.post(`${BASE}/erp/add_mark`).send(noInn)).status).toBe(400);
    expect((await status(s, [105])).packets[0].data).toEqual([{ field: 'inn', value: 'null', errorCode: 504, message: 'не должно равняться null' }]);
    expect((await s.http.post(`${BASE}/erp/add_mark`).send(pkg(106, [{ mark: 'A' }], { inn: '7701234561' }))).status).toBe(400);
    expect((await s.http.post(`${BASE}/erp/add_mark`).send(pkg(107, [{ mark: 'A' }], { shop: 99 }))).status).toBe(400);
    expect((await s.http.post(`${BASE}/erp/add_mark`).send(pkg(108, [{ mark: 'A', item: 2201 }], { id: '108', shop: '1', version: '1' }))).status).toBe(200);
    s.advance(2_000);
    expect((await status(s, [108])).packets[0].status).toBe(3);
    expect((await mark(s, 'A')).item).toBe('2201');
    expect(s.violations).toEqual([]);
  });

  it('with check.inn off the inn may be left out', async () => {
    const s = await setup({ profile: { setmark: { checkInn: 'off' } } });
    const noInn = pkg(1, [{ mark: 'B' }]) as Record<string, unknown>;
    delete noInn.inn;
    expect((await s.http.post(`${BASE}/erp/add_mark`).send(noInn)).status).toBe(200);
    expect(s.violations).toEqual([]);
  });

  it('an installation taking alcohol only answers "должно быть между 1 и 1", as the document\'s example', async () => {
    const s = await setup({ profile: { setmark: { productTypes: 'alcohol', packageMessage: 'example' } } });
    expect((await s.http.post(`${BASE}/erp/add_mark`).send(pkg(102, [{ mark: 'A' }], { productType: 2 }))).status).toBe(400);
    expect((await status(s, [102])).packets[0]).toEqual({ id: 102, status: 1, errorCode: 504, message: 'Неожиданное значение поля', data: [{ field: 'productType', value: '2', errorCode: 504, message: 'должно быть между 1 и 1' }] });
    expect(s.violations).toEqual([]);
  });

  it('a repeated id wins over the earlier package (the latest is shown); the reject switch refuses it', async () => {
    const s = await setup();
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(55, [{ mark: '' }])).expect(200);
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(55, [{ mark: 'C' }])).expect(200);
    s.advance(2_000);
    expect((await status(s, [55])).packets[0].status).toBe(3);
    const r = await setup({ profile: { setmark: { duplicatePackage: 'reject' } } });
    await r.http.post(`${BASE}/erp/add_mark`).send(pkg(55, [{ mark: 'C' }])).expect(200);
    expect((await r.http.post(`${BASE}/erp/add_mark`).send(pkg(55, [{ mark: 'D' }]))).status).toBe(400);
    expect((await status(r, [55])).packets[0]).toMatchObject({ status: 1, data: [{ field: 'id', errorCode: 504 }] });
    expect(s.violations).toEqual([]);
  });

  it('alcohol uses excise; a tobacco block carries its packs; beer its volume; the Cyrillic barсode is read', async () => {
    const s = await setup();
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(1, [{ excise: 'ALC0000000000001', alcocode: '0012631000001797400', 'barсode': '4650067391939' }, { mark: 'ignored' }], { productType: 1 })).expect(200);
    const block = { mark: 'BLOCK-1', barcode: '4606203086627', child: [{ mark: 'PACK-1' }, { mark: 'PACK-2' }] };
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(2, [block], { productType: 2 })).expect(200);
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(3, [{ mark: 'KEG-1', initialVolume: 30000 }], { productType: 18 })).expect(200);
    s.advance(2_000);
    expect((await status(s, [1])).packets[0]).toMatchObject({ status: 4, data: [{ field: 'excise', value: '', errorCode: 501 }] });
    expect(await mark(s, 'ALC0000000000001')).toMatchObject({ productType: 1, barcode: '4650067391939', alcocode: '0012631000001797400', onStock: true });
    expect(await mark(s, 'BLOCK-1')).toMatchObject({ children: ['PACK-1', 'PACK-2'] });
    expect(await mark(s, 'PACK-2')).toMatchObject({ parent: 'BLOCK-1', onStock: true });
    // Deleting the block takes its packs off the stock.
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(4, [{ mark: 'BLOCK-1' }], { productType: 2, operationType: 2 })).expect(200);
    s.advance(2_000);
    expect((await mark(s, 'PACK-1')).onStock).toBe(false);
    expect((await mark(s, 'BLOCK-1')).onStock).toBe(false);
    expect(s.violations).toEqual([]);
  });

  it('a forced outcome ends a package in status 5 / 1000', async () => {
    const s = await setup();
    await s.http.post('/__sim/scenarios').send({ scenario: { name: 'x', description: 'forced', faults: [{ match: { system: 'setmark', operation: 'addMark' }, action: { outcome: { packageFailed: true } } }] } }).expect(200);
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(9, [{ mark: 'Z' }])).expect(200);
    s.advance(2_000);
    expect((await status(s, [9])).packets[0]).toEqual({ id: 9, status: 5, errorCode: 1000, message: 'Внутренняя ошибка сервиса' });
    expect(s.violations).toEqual([]);
  });

  it('erp/status without an id list answers errorCode 504 for the request', async () => {
    const s = await setup();
    const res = await s.http.post(`${BASE}/erp/status`).send({ version: 1, shop: 1 });
    expect(res.body).toEqual({ version: 1, shop: 1, errorCode: 504, message: 'Не корректное значение поля', packets: [] });
    expect(s.violations).toEqual([]);
  });
});

describe('the other loading packages', () => {
  it('add_mrc validates 201–205 and stores rubles as kopecks (amrc)', async () => {
    const s = await setup();
    const good = { barcode: '4607032194941', item: '19191', codeAP: 100, volume: 0.75, AbV: 40, mrc: [{ beginDate: '01.01.2026', endDate: '31.12.2026', price: 250.5 }] };
    const body = {
      id: 1,
      version: 1,
      shop: 1,
      operationType: 1,
      data: [
        good,
        { barcode: '', mrc: [] },
        { barcode: '1', mrc: [] },
        { barcode: '2', mrc: [{ beginDate: '01.01.2026', endDate: '31.12.2026' }] },
        { barcode: '3', mrc: [{ beginDate: '01.01.2026', endDate: '31.12.2026', price: 1 }, { beginDate: '01.06.2026', endDate: '31.12.2027', price: 1 }] },
        { barcode: '4', mrc: [{ beginDate: '31.12.2026', endDate: '01.01.2026', price: 1 }] },
      ],
    };
    await s.http.post(`${BASE}/erp/alco/add_mrc`).send(body).expect(200);
    s.advance(2_000);
    expect((await status(s, [1])).packets[0].data!.map((d) => [d.field, d.errorCode, d.message])).toEqual([
      ['barcode', 201, 'Пустой штрихкод'],
      ['mrc', 202, 'Пустой список МРЦ'],
      ['mrc.price', 203, 'Остутствует значение МРЦ'],
      ['mrc.beginDate', 204, 'Пересечение дат действия МРЦ'],
      ['mrc.endDate', 205, 'Дата окончания раньше даты начала'],
    ]);
    await s.http.post(`${BASE}/erp/add_mark`).send(pkg(2, [{ excise: 'ALCOHOL00000000002', barcode: '4607032194941' }], { productType: 1 })).expect(200);
    s.advance(2_000);
    expect(await validate(s, { productType: 1, excise: 'ALCOHOL00000000002', price: 30000 })).toEqual({ id: 101, result: true, message: 'OK', barcode: '4607032194941', amrc: 25050 });
    expect(s.violations).toEqual([]);
  });

  it('add_rfid and add_excludes answer JSON with the id; add_alcocodes reads alcoCodes; versions gate them', async () => {
    const s = await setup();
    expect((await s.http.post(`${BASE}/erp/add_rfid`).send({ id: 1, version: 1, operationType: 1, productType: 3, data: [{ mark: W.shoes, rfid: ']e0010360842980281521000000708145' }] })).body).toEqual({ id: 1 });
    expect((await s.http.post(`${BASE}/erp/add_excludes`).send({ id: 2, version: 1, inn: INN1, shop: 1, operationType: 1, productType: 3, data: [{ item: 'EXCL' }] })).body).toEqual({ id: 2 });
    expect((await s.http.post(`${BASE}/erp/alco/add_alcocodes`).send({ id: 3, version: 1, shop: 1, operationType: 1, data: [{ item: '2201', alcoCodes: ['A1'] }] })).body).toEqual({ id: 3 });
    s.advance(2_000);
    expect((await status(s, [1, 2, 3])).packets.map((p) => p.status)).toEqual([3, 3, 3]);
    // An excluded article sells without stock and without a journal row.
    expect((await validate(s, { mark: 'NOT-LOADED', item: 'EXCL' })).result).toBe(true);
    expect((await s.http.get('/__sim/setmark/erp')).body.pendingViolations).toBe(0);
    const old = await setup({ profile: { setmark: { version: '1.4' } } });
    const gated = await old.http.post(`${BASE}/erp/add_rfid`).send({ id: 1, version: 1, operationType: 1, productType: 3, data: [] });
    expect(gated.status).toBe(404);
    expect(gated.body.message).toContain('since SetMark 2.5');
    expect((await old.http.post(`${BASE}/erp/alco/add_alcocodes`).send({ id: 3, version: 1, shop: 1, operationType: 1, data: [] })).status).toBe(404);
    expect(s.violations).toEqual([]);
  });
});
