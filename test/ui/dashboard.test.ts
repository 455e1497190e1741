/**
 * The dashboard in a real browser: Debian's Chromium, headless, driven by puppeteer-core through the journeys people
 * take. Screenshots of each page go to artifacts/ui/. Without Chromium the suite is skipped and says so; CI sets
 * SIM_UI_TESTS=required, which makes a missing Chromium a failure instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { createApp, type AppDeps } from '../../simulator/app.js';
import { PROJECT_ROOT } from '../../simulator/core/paths.js';
import { contractHook } from '../helpers.js';
import { USERS } from '../mcoi/helpers.js';

const CHROMIUM = process.env.SIM_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const ARTIFACTS = join(PROJECT_ROOT, 'artifacts', 'ui');

if (!CHROMIUM) {
  if (process.env.SIM_UI_TESTS === 'required') throw new Error('SIM_UI_TESTS=required but no Chromium was found (apt-get install chromium, or set SIM_CHROMIUM)');
  console.warn('\n*** dashboard browser tests SKIPPED: no Chromium on this machine (apt-get install chromium, or set SIM_CHROMIUM=/path/to/chrome) ***\n');
}

async function serve(deps: Partial<AppDeps> = {}) {
  const { hook } = contractHook();
  const sim = await createApp({ store: { kind: 'memory' }, onExchange: hook, ...deps });
  const server = sim.app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    sim,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await sim.close();
    },
  };
}

async function mcoi(base: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}/mcoi${path}`, {
    method: init.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  expect(res.status, `${path}`).toBe(200);
  return res.json();
}

const text = (page: Page) => page.evaluate(() => document.body.innerText);
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe.skipIf(!CHROMIUM)('the dashboard in Chromium (puppeteer-core)', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // As root in a container, on a machine whose network is closed: no sandbox, no calls home.
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('walks the key journey: overview, an order CREATED, the clock advanced in the UI, READY, a code\'s timeline, the journal tail', async () => {
    const s = await serve();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(`${s.base}/`, { waitUntil: 'networkidle0' });
      expect(page.url()).toBe(`${s.base}/__sim/ui/`);
      await page.waitForSelector('article.system');
      const overview = await text(page);
      expect(overview).toContain(`${s.base}/mcoi`);
      expect(overview).toContain(USERS.main.login);
      expect(overview).toContain('Virtual clock');
      // Every form control has a label.
      expect(await page.evaluate(() => [...document.querySelectorAll('input, select')].filter((el) => !(el as HTMLInputElement).labels?.length).map((el) => el.id))).toEqual([]);
      await shot(page, '1-overview');

      // Freeze the clock from the UI, so that only the UI moves it.
      await page.locator('button::-p-text(Freeze)').click();
      await page.waitForFunction(() => document.getElementById('clock-state')?.textContent === '(frozen)');

      // An order registered through the MCOI API shows CREATED.
      const token = (await mcoi(s.base, '/api/users/authenticate', { method: 'POST', body: USERS.main })).accessToken;
      const { orderId } = await mcoi(s.base, '/api/orders', { method: 'POST', token, body: { productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 5, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 } });
      await page.goto(`${s.base}/__sim/ui/#/system/mcoi/orders`);
      await page.waitForSelector(`a[href$="/orders/${orderId}"]`);
      const row = await page.$eval(`a[href$="/orders/${orderId}"]`, (a) => a.closest('tr')!.innerText);
      expect(row).toContain('CREATED');
      await shot(page, '2-orders-created');

      // The clock advanced by a preset in the UI: the order is READY.
      await page.goto(`${s.base}/__sim/ui/#/`);
      await page.locator('button::-p-text(+1 min)').click();
      await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Advanced +1 min'));
      await page.goto(`${s.base}/__sim/ui/#/system/mcoi/orders?status=READY`);
      await page.waitForSelector(`a[href$="/orders/${orderId}"]`);
      expect(await page.$eval(`a[href$="/orders/${orderId}"]`, (a) => a.closest('tr')!.innerText)).toContain('READY');
      await shot(page, '3-orders-ready');

      // Codes unloaded through the API; the order's page links them; a code opens as a timeline.
      const { codes } = await mcoi(s.base, `/api/codes?orderId=${orderId}&gtin=04899215122371&quantity=5`, { token });
      await page.click(`a[href$="/orders/${orderId}"]`);
      await page.waitForSelector('ul.codes a');
      await shot(page, '4-order-detail');
      await page.click('ul.codes a');
      await page.waitForSelector('ol.timeline li');
      const timeline = await page.$$eval('ol.timeline li', (items) => items.map((li) => (li as HTMLElement).innerText));
      expect(timeline).toHaveLength(2);
      expect(timeline[0]).toContain('EMITTED');
      expect(timeline[1]).toContain('RECEIVED');
      expect(await page.$eval('h1', (x) => x.textContent)).toBe(`Code ${codes[0].replace('\u001d', '<GS>')}`);
      await shot(page, '5-code-timeline');

      // The journal tail shows a request as it happens, with its response on demand; secrets hidden.
      await page.goto(`${s.base}/__sim/ui/#/journal`);
      await page.waitForSelector('#journal-list li');
      await mcoi(s.base, '/api/orders?limit=1', { token });
      await page.waitForFunction(() => [...document.querySelectorAll('#journal-list li summary')].some((x) => (x as HTMLElement).innerText.includes('GET') && (x as HTMLElement).innerText.includes('/api/orders')));
      const entry = await page.evaluateHandle(() => [...document.querySelectorAll('#journal-list li summary')].find((x) => (x as HTMLElement).innerText.includes('GET'))!);
      await (entry as unknown as { click(): Promise<void> }).click();
      const shown = await page.$eval('#journal-list li details[open]', (d) => (d as HTMLElement).innerText);
      expect(shown).toContain('orderInfos');
      expect(shown).not.toContain(token);
      await shot(page, '6-journal');
      await page.locator('button::-p-text(Export as scenario)').click();
      await page.waitForFunction(() => !document.getElementById('export')?.hidden);
      expect(await page.$eval('#export', (x) => x.textContent)).toContain('steps:');

      // The report card: every code of the order unloaded and the order left open; the evidence opens its entry.
      await page.click('a[href="#/conformance"]');
      await page.waitForSelector('section.client');
      const card = await page.$eval('section.client', (x) => (x as HTMLElement).innerText);
      expect(card).toContain('mcoi: 6e8login23');
      expect(card).toMatch(/unclosed-order[\s\S]*failed 1×[\s\S]*every code unloaded, the order never closed/);
      await shot(page, '7-report-card');
      await page.locator('button::-p-text(Download as JUnit XML)').click();
      await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('The report card as JUnit XML'));
      await page.click('section.client a[href^="#/journal?entry="]');
      await page.waitForSelector('li.exchange details[open]');
      expect(await page.$eval('li.exchange details[open]', (d) => (d as HTMLElement).innerText)).toContain('/api/codes');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await s.close();
    }
  }, 60_000);

  it('asks for SIM_CONTROL_TOKEN and sends it with every call; fits a phone', async () => {
    const s = await serve({ security: { control: { enabled: true, token: 'dash-token-0123456789' } } });
    const page = await browser.newPage();
    try {
      await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
      await page.goto(`${s.base}/__sim/ui/`);
      await page.waitForSelector('dialog[open] #token-input');
      await page.type('#token-input', 'dash-token-0123456789');
      await page.keyboard.press('Enter');
      await page.waitForSelector('article.system');
      expect(await text(page)).toContain('/mcoi');
      // Nothing wider than the phone's screen (tables scroll inside their own box).
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(page, '7-phone-overview');
      await page.goto(`${s.base}/__sim/ui/#/system/setmark/stock`);
      await page.waitForSelector('table tbody tr td a, table tbody tr td');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(page, '8-phone-setmark-stock');
      // A code in a table opens its timeline (True API's registry).
      await page.goto(`${s.base}/__sim/ui/#/system/true-api/codes`);
      // The previous page's table may still be there for a moment: wait for this one's.
      await page.waitForFunction(() => document.title.startsWith('true-api') && document.querySelector('table tbody td a') !== null);
      const code = await page.$eval('table tbody td a', (a) => a.textContent);
      await page.click('table tbody td a');
      await page.waitForSelector('ol.timeline li');
      expect(await page.$eval('h1', (x) => x.textContent)).toBe(`Code ${code}`);
      await shot(page, '9-phone-true-api-code');
    } finally {
      await page.close();
      await s.close();
    }
  }, 60_000);
  it('has a world picker: each world\'s page shows that world, and which one it is', async () => {
    const s = await serve();
    const page = await browser.newPage();
    try {
      expect((await fetch(`${s.base}/__sim/worlds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'qa-7' }) })).status).toBe(201);
      const login = await (await fetch(`${s.base}/w/qa-7/mcoi/api/users/authenticate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: '6e8login23', password: '12345678' }) })).json();
      const made = await (await fetch(`${s.base}/w/qa-7/mcoi/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.accessToken}` }, body: JSON.stringify({ productGroup: 'vegetableoil', releaseMethodType: 'PRIMARY', products: [{ gtin: '04899215122371', quantity: 2, serialNumberType: 'OPERATOR', cisType: 'UNIT' }], businessPlaceId: 27 }) })).json();
      await page.setViewport({ width: 1280, height: 900 });
      await page.goto(`${s.base}/w/qa-7/__sim/ui/#/system/mcoi/orders`, { waitUntil: 'networkidle0' });
      await page.waitForSelector('table tbody tr');
      expect(await text(page)).toContain(made.orderId);
      expect(await page.$eval('#world-picker', (x) => (x as HTMLSelectElement).value)).toBe('qa-7');
      expect(await page.title()).toContain('world qa-7');
      await shot(page, '10-world-picker');
      // Choosing the default world opens the same page there, where that order does not exist.
      await Promise.all([page.waitForNavigation(), page.select('#world-picker', '')]);
      expect(new URL(page.url()).pathname).toBe('/__sim/ui/');
      await page.waitForSelector('table tbody tr');
      expect(await text(page)).not.toContain(made.orderId);
      expect(await page.title()).toContain('default world');
    } finally {
      await page.close();
      await s.close();
    }
  }, 60_000);
});
