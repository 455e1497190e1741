/**
 * Builds True API's initial state from fixtures/true-api/world.json: participants (every BIN and IIN checked), and a
 * product catalogue — the fixture's hand-written cards (the document's examples) plus cards generated from the seed
 * with @faker-js/faker (Russian locale), so a world can be scaled to thousands of products with stable names.
 */
import { Faker, ru, en } from '@faker-js/faker';
import { gs1CheckDigit } from '../../core/gs1.js';
import { hash32 } from '../../core/random.js';
import { pmap } from '../../core/pmap.js';
import { isValidBin, PRODUCT_GROUP_NAMES, type ProductGroup } from './reference.js';
import type { Batch, Participant, Product, TrueApiState, World } from './state.js';

/** A batch as the fixture writes it: times in days before the world is made. */
export type BatchFixture = Omit<Batch, 'emittedAt' | 'producedAt'> & { emittedDaysAgo: number; producedDaysAgo: number };

export interface WorldFixture {
  defaultParticipant: string;
  participants: Participant[];
  products: Product[];
  batches: BatchFixture[];
  /** How many catalogue cards to generate per participant and product group it has a contract for. */
  generatedProductsPerGroup: number;
}

/** TN VED (ТН ВЭД ЕАЭС) headings of each group, for generated cards. */
const TNVED: Record<ProductGroup, string[]> = {
  tobacco: ['2402209000', '2402100000', '2403190000'],
  milk: ['0401201100', '0403109100', '0406103000'],
  shoes: ['6403999800', '6404110000', '6402999800'],
  alcohol: ['2204211100', '2208601100', '2203000100'],
  pharma: ['3004900002', '3004200008', '3004390001'],
  lp: ['6201400000', '6202400000', '6110209100'],
};
const KIND: Record<ProductGroup, string[]> = {
  tobacco: ['Сигареты', 'Сигариллы', 'Табак для кальяна'],
  milk: ['Молоко', 'Кефир', 'Сыр', 'Творог'],
  shoes: ['Кроссовки', 'Ботинки', 'Туфли'],
  alcohol: ['Вино', 'Водка', 'Пиво'],
  pharma: ['Таблетки', 'Капсулы', 'Раствор для инъекций'],
  lp: ['Куртка', 'Пальто', 'Свитер'],
};

/** A GTIN-14 with a valid check digit, from a company prefix and an item number. */
export const gtinOf = (prefix: string, item: number) => {
  const body = `0${prefix}${String(item).padStart(12 - prefix.length, '0')}`.slice(0, 13);
  return body + gs1CheckDigit(body);
};

export function generatedProducts(p: Participant, perGroup: number, seed: number): Product[] {
  const faker = new Faker({ locale: [ru, en] });
  faker.seed(hash32(seed, `true-api/catalogue/${p.bin}`));
  // Kazakhstan's GS1 prefix is 487; the company part comes from the BIN, so participants never share a GTIN.
  const prefix = `487${p.bin.slice(6, 11)}`;
  const out: Product[] = [];
  let item = 1;
  for (const c of p.contracts) {
    for (let i = 0; i < perGroup; i++, item++) {
      const brand = faker.company.name().replace(/[«»"]/g, '').split(/[ -]/)[0];
      const kind = faker.helpers.arrayElement(KIND[c.productGroup]);
      out.push({ gtin: gtinOf(prefix, item), name: `${kind} ${brand} ${faker.commerce.productAdjective()}`, brand, tnved: faker.helpers.arrayElement(TNVED[c.productGroup]), productGroup: c.productGroup, producerBin: p.bin });
    }
  }
  return out;
}

/** What is wrong with a world's participants (an unusable fixture or scenario overlay stops the start). */
export function worldProblems(w: World): string[] {
  const problems: string[] = [];
  const bins = new Set<string>();
  for (const p of w.participants) {
    if (!isValidBin(p.bin)) problems.push(`participant ${p.bin}: not a valid BIN (12 digits with the Kazakh check digit)`);
    if (!isValidBin(p.signer.iin)) problems.push(`participant ${p.bin}: signer IIN ${p.signer.iin} is not valid`);
    if (bins.has(p.bin)) problems.push(`participant ${p.bin} is listed twice`);
    bins.add(p.bin);
    for (const c of p.contracts) if (!PRODUCT_GROUP_NAMES.includes(c.productGroup)) problems.push(`participant ${p.bin}: unknown product group ${c.productGroup}`);
  }
  const ids = new Set<number>();
  for (const b of w.batches) {
    if (ids.has(b.id) || b.id < 1 || b.id > 63) problems.push(`batch ${b.id}: ids are 1..63, each once`);
    ids.add(b.id);
    for (const bin of [b.producerBin, b.ownerBin]) if (!bins.has(bin)) problems.push(`batch ${b.id}: ${bin} is not a participant`);
    if (b.kind === 'tobacco' && !b.blockGtin) problems.push(`batch ${b.id}: a tobacco batch needs a blockGtin`);
    if (b.count > (b.kind === 'tobacco' ? 30_000 : 16_000_000)) problems.push(`batch ${b.id}: too many codes for one batch`);
  }
  if (!bins.has(w.defaultParticipant)) problems.push(`defaultParticipant ${w.defaultParticipant} is not a participant`);
  return problems;
}

const DAY = 86_400_000;

export const batchOf = ({ emittedDaysAgo, producedDaysAgo, ...b }: BatchFixture, nowMs: number): Batch => ({ ...b, emittedAt: nowMs - emittedDaysAgo * DAY, producedAt: nowMs - producedDaysAgo * DAY });

export function buildWorld(f: WorldFixture, seed: number, nowMs: number): TrueApiState {
  const products = new Map(f.products.map((p) => [p.gtin, p]));
  for (const p of f.participants) if (p.registered) for (const g of generatedProducts(p, f.generatedProductsPerGroup, seed)) if (!products.has(g.gtin)) products.set(g.gtin, g);
  const world: World = { defaultParticipant: f.defaultParticipant, participants: f.participants, products: [...products.values()], batches: f.batches.map((b) => batchOf(b, nowMs)) };
  const problems = worldProblems(world);
  if (problems.length) throw new Error(`fixtures/true-api/world.json: ${problems.join('; ')}`);
  return {
    world,
    jwtSecret: [0, 1, 2, 3].map((i) => hash32(seed, `true-api/jwt/${i}`).toString(16).padStart(8, '0')).join(''),
    challenges: {},
    sessions: {},
    prequests: pmap.of({}),
    nextPrequestId: 1,
    certificates: pmap.of({}),
    codesOrders: pmap.of({}),
    documents: pmap.of({}),
    fileIds: pmap.of({}),
    shipments: pmap.of({}),
    acceptances: pmap.of({}),
    codeChanges: pmap.of({}),
  };
}
