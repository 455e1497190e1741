/**
 * True API's code registry as a world holds it: the codes derived from the world's batches (codes.ts), the catalogue
 * and participants (serialize.ts Directory), both made once per world and shared by every request, and the codes as
 * they are now (the ledger of what documents did, ledger.ts). Also what a participant may learn of codes (§1.8) and
 * everything known about one code (the control plane's code view and the dashboard's timeline).
 */
import { SimError } from '../../core/errors.js';
import type { SystemContext } from '../../core/system.js';
import type { SignatureProfile } from './auth.js';
import { CodeBook, normalize, PACKAGE_TYPE, type CodeRef } from './codes.js';
import { HANDBOOK, type TrueApiError } from './handbook.js';
import { CodeView } from './ledger.js';
import { TestPki } from './pki.js';
import { PRODUCT_GROUP_NAMES, type ProductGroup } from './reference.js';
import { Directory } from './serialize.js';
import type { Contract, Participant, TrueApiState } from './state.js';

export interface RegistryView {
  book: CodeBook;
  dir: Directory;
  codes: CodeView;
}

export class Registry {
  /** The test certificate authority of this world's seed (sign-in signatures, certificates on the control plane). */
  readonly pki: TestPki;
  private made: { world: TrueApiState['world']; book: CodeBook; dir: Directory } | undefined;

  constructor(private readonly ctx: SystemContext<TrueApiState>) {
    this.pki = new TestPki(ctx.seed);
  }

  /** The registry of the committed world (rebuilt only when the world changes: a reset, a scenario) and its codes now. */
  view(): RegistryView {
    const s = this.ctx.state();
    if (this.made?.world !== s.world) this.made = { world: s.world, book: new CodeBook(this.ctx.seed, s.world.batches), dir: new Directory(s.world) };
    return { book: this.made.book, dir: this.made.dir, codes: new CodeView(this.made.book, s.codeChanges, this.ctx.now()) };
  }

  /** How sign-in signatures are checked (SIM_TRUE_API_SIGNATURES). */
  signatures(): SignatureProfile {
    return this.ctx.profile('signatures') as SignatureProfile;
  }

  /** Everything known about one code; undefined when the registry has no such code. */
  codeState(code: string) {
    const { book, codes } = this.view();
    const r = book.find(code);
    if (!r) return undefined;
    const parent = codes.parent(r);
    const now = codes.state(r);
    return {
      cis: book.cis(r),
      emitted: book.emitted(r),
      printed: book.withTail(r),
      gtin: book.gtinOf(r),
      productGroup: r.batch.productGroup,
      packageType: PACKAGE_TYPE[r.level],
      status: now.status,
      producerBin: r.batch.producerBin,
      ownerBin: now.ownerBin,
      emissionType: now.emissionType,
      emittedAt: new Date(r.batch.emittedAt).toISOString(),
      producedAt: new Date(r.batch.producedAt).toISOString(),
      parent: parent ? book.emitted(parent) : null,
      children: codes.children(r).map((c) => book.emitted(c)),
      batch: r.batch.id,
      ...(now.lastDocId ? { lastDocId: now.lastDocId } : {}),
      history: historyOf(codes, r),
    };
  }
}

/**
 * What happened to a code: emitted by its producer, applied on its production date, in its batch's status with its
 * owner when the batch is past that (what the world says), then each document that changed it (the ledger), up to now.
 */
function historyOf(codes: CodeView, r: CodeRef): { status: string; at: string; participant: string; docId?: string; docType?: string }[] {
  const b = r.batch;
  const events: { status: string; at: string; participant: string; docId?: string; docType?: string }[] = [{ status: 'EMITTED', at: new Date(b.emittedAt).toISOString(), participant: b.producerBin }];
  if (b.status !== 'EMITTED') events.push({ status: 'APPLIED', at: new Date(b.producedAt).toISOString(), participant: b.producerBin });
  if (b.status !== 'EMITTED' && b.status !== 'APPLIED') events.push({ status: b.status, at: new Date(b.producedAt).toISOString(), participant: b.ownerBin });
  for (const e of codes.events(r)) events.push({ status: e.status, at: new Date(e.at).toISOString(), participant: e.ownerBin, docId: e.docId, docType: e.docType });
  return events;
}

/** The caller's contract for a product group named by `pg`: 400 for a name no group has, 403 without a contract. */
export function contractFor(p: Participant, pg: string, noContract: TrueApiError = HANDBOOK.NO_CONTRACT): Contract {
  if (!PRODUCT_GROUP_NAMES.includes(pg as ProductGroup)) throw new SimError(HANDBOOK.PRODUCT_GROUP_UNKNOWN, [pg]);
  const c = p.contracts.find((x) => x.productGroup === pg);
  if (!c) throw new SimError(noContract);
  return c;
}

/**
 * The codes of a request the caller may see (§1.8: produced or owned; others are left out as if absent), each with
 * the form it was asked in. A code of a product group the caller has no contract for is a 403.
 */
export function visibleCodes(reg: Registry, p: Participant, requested: string[], noContract: TrueApiError): { requested: string; ref: CodeRef }[] {
  const { book, codes } = reg.view();
  const out: { requested: string; ref: CodeRef }[] = [];
  for (const code of requested) {
    const ref = book.find(code);
    if (!ref || !codes.canSee(ref, p.bin)) continue;
    if (!p.contracts.some((c) => c.productGroup === ref.batch.productGroup)) throw new SimError(noContract);
    out.push({ requested: code, ref });
  }
  return out;
}

/** A code a client named (§5.10, §6.2): 400 for one no code could be, or of a GTIN nobody knows; 404 when absent. */
export function knownCode(reg: Registry, code: string): CodeRef {
  const { book, dir } = reg.view();
  const ref = book.find(code);
  if (ref) return ref;
  const c = normalize(code);
  const gtin = c.startsWith('01') && c.length > 18 ? c.slice(2, 16) : c.slice(0, 14);
  if (!/^[0-9]{14}$/.test(gtin) || c.length < 15) throw new SimError(HANDBOOK.CODE_FORMAT);
  if (!dir.product(gtin) && !book.batches.some((b) => b.gtin === gtin || b.blockGtin === gtin)) throw new SimError(HANDBOOK.GTIN_UNKNOWN);
  throw new SimError(HANDBOOK.CODES_NOT_FOUND);
}

/** The first layer of an aggregate and what each child holds (§5.6): `{ child: [grandchildren] }`, a unit `{}`. */
export function layers(codes: CodeView, r: CodeRef): Record<string, string[]> {
  const book = codes.book;
  return Object.fromEntries(codes.children(r).map((c) => [book.emitted(c), codes.children(c).map((g) => book.emitted(g))]));
}
