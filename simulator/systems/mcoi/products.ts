/**
 * Product cards (account setup 003, "Creating product descriptions"; observed #33, the product registry clients
 * read): their ids, and what the registry answers of them. Pure.
 */
import { uuidFrom } from '../../core/ids.js';
import type { McoiState, ProductCard } from './state.js';

/** A card's id: a UUID derived from its GTIN (distinct GTINs, distinct ids; the same in every world). */
export const productIdOf = (gtin: string): string => uuidFrom(0x70726f64, Number(gtin.slice(0, 6)), Number(gtin.slice(6)));

export const cardOf = (s: McoiState, gtin: string): ProductCard | undefined => s.world.products.find((c) => c.gtin === gtin);

export const cardById = (s: McoiState, id: string): ProductCard | undefined => s.world.products.find((c) => productIdOf(c.gtin) === id);

/** A card as the product registry lists it (observed #33: name {uz, ru, en}, status, packageType, tnved, producer, category). */
export function registryItem(s: McoiState, c: ProductCard) {
  const producer = s.world.organizations.find((o) => o.id === c.orgId);
  const name = { en: c.name, ru: c.name, uz: c.name };
  return {
    id: productIdOf(c.gtin),
    gtin: c.gtin,
    name,
    status: 'PUBLISHED',
    packageType: 'UNIT',
    productGroup: c.productGroup,
    ...(c.tnved !== undefined ? { tnved: c.tnved, productCategory: { code: c.tnved.slice(0, 4), name: { en: c.productGroup, ru: c.productGroup, uz: c.productGroup } } } : {}),
    manufacturerCountry: c.manufacturerCountry,
    producer: { tin: producer?.tin ?? '', name: { en: producer?.name ?? '', ru: producer?.name ?? '', uz: producer?.name ?? '' } },
  };
}

/** The full card (GET …/product/{id}): the list's fields and its attributes, each with its meta (code, type) and value. */
export function registryDetail(s: McoiState, c: ProductCard) {
  const item = registryItem(s, c);
  const attr = (code: string, type: string, value: unknown) => ({ meta: { code, type }, value });
  return {
    ...item,
    attributes: [
      attr('gtin', 'STRING', c.gtin),
      attr('name', 'LOCALIZED_STRING', item.name),
      attr('manufacturer_country', 'COUNTRY', c.manufacturerCountry),
      ...(c.tnved !== undefined ? [attr('tnved', 'STRING', c.tnved)] : []),
      attr('front_side', 'FILE_LIST', { files: [] }),
    ],
  };
}
