/**
 * True API's control routes — a code's state, a receipt from a fiscal operator (§5.10), an EAEU shipment reaching its
 * importer (§5.9), a test certificate — and its state summary. Every change reads what it changes inside its commit.
 */
import { TIME_RANGE } from '../../core/clock.js';
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { Handler, SystemContext } from '../../core/system.js';
import { documentStatus, fileReceipt, type ReceiptInput } from './documents.js';
import { CONTROL_ERRORS } from './handbook.js';
import { pemOfPrivateKey, pkcs12Of } from './pki.js';
import { isValidBin, PACKAGE_TYPES, type TrueApiTimings } from './reference.js';
import type { Registry } from './registry.js';
import { fileIncomingShipment, type IncomingShipmentInput } from './shipments.js';
import type { Participant, TrueApiState } from './state.js';

/** A participant of the world by BIN, or the control plane's 400 / 404. */
function participantOf(s: TrueApiState, bin: string): Participant {
  if (!isValidBin(bin)) throw new SimError(CONTROL_ERRORS.BIN_INVALID, [bin]);
  const p = s.world.participants.find((x) => x.bin === bin);
  if (!p) throw new SimError(CONTROL_ERRORS.UNKNOWN_PARTICIPANT, [bin]);
  return p;
}

export function trueApiControl(ctx: SystemContext<TrueApiState>, reg: Registry): Record<string, Handler> {
  const timings = () => ctx.timings() as TrueApiTimings;
  return {
    getTrueApiCodeState: (req) => {
      const code = String(req.params.code);
      const body = reg.codeState(code);
      if (!body) throw new SimError(CONTROL_ERRORS.UNKNOWN_CODE, [code]);
      return { body };
    },
    // §5.10 — a receipt from a fiscal operator: a sale withdraws the codes, a return puts them back in circulation.
    createTrueApiReceipt: async (req) => {
      const b = req.body as ReceiptInput;
      if (b.prices && b.prices.length !== b.codes.length) throw new SimError(CONTROL_ERRORS.PRICES_MISMATCH, [b.prices.length, b.codes.length]);
      if (b.documentDate !== undefined && Number.isNaN(Date.parse(b.documentDate))) throw new SimError(CONTROL_ERRORS.DATE_INVALID, [b.documentDate]);
      const { book } = reg.view();
      const { doc: d } = await ctx.commit((s, tx) => {
        const filed = fileReceipt(s, book, participantOf(s, b.bin), b, ctx.now(), tx.ids, timings().documentProcessingMs);
        return { ...filed, events: [{ type: 'ReceiptFiled', receiptId: filed.doc.id, receiptType: filed.doc.type, bin: b.bin, codes: b.codes.length }] };
      });
      return { status: 201, body: { receiptId: d.id, type: d.type, status: documentStatus(d, ctx.now()), doneAt: new Date(d.doneAt).toISOString(), outcome: d.outcome, errors: d.errors } };
    },
    // §5.9 step 1 — an EAEU exporter's shipment reaching the importer (a foreign operator passes it on).
    createTrueApiShipment: async (req) => {
      const b = req.body as IncomingShipmentInput;
      const { book } = reg.view();
      const { shipment: x } = await ctx.commit((s, tx) => {
        const filed = fileIncomingShipment(s, book, participantOf(s, b.receiverBin), b, ctx.now(), tx.ids);
        return { ...filed, events: [{ type: 'ShipmentIncoming', shipmentId: filed.shipment.id, receiverBin: b.receiverBin, codes: b.products.length }] };
      });
      return { status: 201, body: { shipmentId: x.id, status: 'WAIT_ACCEPTANCE', products: x.products.map((q) => q.cis) } };
    },
    issueTrueApiCertificate: async (req) => {
      const b = req.body as { bin: string; validFrom?: string; validDays?: number };
      const notBefore = Math.max(TIME_RANGE.minMs, b.validFrom !== undefined ? Date.parse(b.validFrom) : ctx.now() - 86_400_000);
      const notAfter = Math.min(notBefore + (b.validDays ?? 365) * 86_400_000, TIME_RANGE.maxMs);
      const { serialNumber, password, p } = await ctx.commit((s, tx) => {
        const p = participantOf(s, b.bin);
        const serialNumber = tx.ids.hex('certificate', 16);
        return {
          state: { ...s, certificates: pmap.set(s.certificates, serialNumber, { serialNumber, bin: p.bin, notBefore, notAfter }) },
          serialNumber,
          password: tx.ids.hex('certificate-password', 16),
          p,
          events: [{ type: 'CertificateIssued', bin: p.bin, serialNumber }],
        };
      });
      const { pki } = reg;
      const issued = await pki.issue({ bin: p.bin, iin: p.signer.iin, name: p.signer.name, organization: p.name }, { serialNumber, notBefore: new Date(notBefore), notAfter: new Date(notAfter), keys: await pki.issuedKeys(serialNumber) });
      const ca = await pki.authority();
      return {
        status: 201,
        body: {
          bin: p.bin,
          serialNumber,
          subject: issued.certificate.subject,
          notBefore: new Date(notBefore).toISOString(),
          notAfter: new Date(notAfter).toISOString(),
          certificate: issued.certificate.toString('pem'),
          privateKey: await pemOfPrivateKey(issued.privateKey),
          pkcs12: (await pkcs12Of(issued, password)).toString('base64'),
          password,
          caCertificate: ca.certificate.toString('pem'),
        },
      };
    },
  };
}

export function trueApiSummary(ctx: SystemContext<TrueApiState>, reg: Registry): unknown {
  const s = ctx.state();
  const now = ctx.now();
  return {
    defaultParticipant: s.world.defaultParticipant,
    participants: s.world.participants.map((p) => ({ bin: p.bin, name: p.name, organisationId: p.organisationId, roles: p.roles, registered: p.registered, contracts: p.contracts })),
    products: { total: s.world.products.length, byProductGroup: s.world.products.reduce<Record<string, number>>((m, p) => ((m[p.productGroup] = (m[p.productGroup] ?? 0) + 1), m), {}) },
    packageTypes: PACKAGE_TYPES,
    // Counted, never listed: tokens and challenges are secrets.
    authKeys: { open: Object.values(s.challenges).filter((c) => c.expiresAt > now).length },
    sessions: { total: Object.keys(s.sessions).length },
    codes: { total: s.world.batches.reduce((n, b) => n + reg.view().book.total(b), 0), batches: s.world.batches.length },
    // Invoice requests of §8.1 (not e-mailed: here is where a test finds them), the latest 100.
    prequests: {
      total: pmap.size(s.prequests),
      latest: [...pmap.values(s.prequests)]
        .sort((a, b) => b.id - a.id)
        .slice(0, 100)
        .map((x) => ({ ...x, createdAt: new Date(x.createdAt).toISOString() })),
    },
    codesOrders: { total: pmap.size(s.codesOrders) },
    documents: {
      total: pmap.size(s.documents),
      byTypeAndStatus: [...pmap.values(s.documents)].reduce<Record<string, number>>((m, d) => {
        const k = `${d.type} ${documentStatus(d, now)}`;
        m[k] = (m[k] ?? 0) + 1;
        return m;
      }, {}),
    },
    shipments: { total: pmap.size(s.shipments), acceptances: pmap.size(s.acceptances) },
    codesChangedByDocuments: pmap.size(s.codeChanges),
    certificates: { issued: pmap.size(s.certificates) },
  };
}
