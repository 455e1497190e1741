/**
 * True API response shapes for codes (§5.5, §5.8): what the caller may see of a code. The owner's BIN and name are
 * shown to the owner only, the producer's to the producer (§5.5: "текущий собственник в обороте – только
 * владельцу"; the example masks both as "*****").
 */
import type { CodeBook, CodeRef } from './codes.js';
import { PACKAGE_TYPE } from './codes.js';
import { productGroupId } from './reference.js';
import type { Participant, Product, World } from './state.js';

export const MASK = '*****';

/** Lookups of a world that every code answer needs (made once per world). */
export class Directory {
  private readonly products = new Map<string, Product>();
  private readonly participants = new Map<string, Participant>();

  constructor(readonly world: World) {
    for (const p of world.products) this.products.set(p.gtin, p);
    for (const p of world.participants) this.participants.set(p.bin, p);
  }

  product(gtin: string): Product | undefined {
    return this.products.get(gtin);
  }

  name(bin: string): string {
    return this.participants.get(bin)?.name ?? '';
  }
}

/** Whether a participant may see a code at all: it produced it or owns it (§1.8). */
export const canSee = (r: CodeRef, bin: string) => r.batch.producerBin === bin || r.batch.ownerBin === bin;

/** The fields /cises/info, /cises/list and the history share. */
export function codeFields(book: CodeBook, dir: Directory, r: CodeRef, callerBin: string) {
  const gtin = book.gtinOf(r);
  const card = dir.product(gtin);
  const parent = book.parent(r);
  const owner = r.batch.ownerBin === callerBin;
  const producer = r.batch.producerBin === callerBin;
  return {
    cis: book.cis(r),
    gtin,
    productName: card?.name ?? '',
    productGroupId: productGroupId(r.batch.productGroup)!,
    productGroup: r.batch.productGroup,
    brand: card?.brand ?? '',
    producedDate: new Date(r.batch.producedAt).toISOString(),
    packageType: PACKAGE_TYPE[r.level],
    ownerBin: owner ? r.batch.ownerBin : MASK,
    ownerName: owner ? dir.name(r.batch.ownerBin) : MASK,
    status: r.batch.status,
    child: book.children(r).map((c) => book.emitted(c)),
    ...(parent ? { parent: book.emitted(parent) } : {}),
    producerBin: producer ? r.batch.producerBin : MASK,
    producerName: producer ? dir.name(r.batch.producerBin) : MASK,
  };
}
