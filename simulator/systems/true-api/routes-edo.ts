/**
 * Thin handlers of True API's EDO (§7.1.1–§7.1.4, §7.1.7–§7.1.12, §7.3.2, §7.4.1): registering formal documents, the
 * outgoing and incoming registers, the documents and titles as base64, the two-step decision and withdrawal. The
 * rules are in edo.ts.
 */
import { SimError } from '../../core/errors.js';
import { pmap } from '../../core/pmap.js';
import type { UploadedFile } from '../../core/body.js';
import type { Handler, SimRequest, SystemContext } from '../../core/system.js';
import { documentSignatureRefusal, type Caller } from './auth.js';
import { readNotice } from './documents.js';
import { edoStatus } from './documents.js';
import { EDO_STATUS_ALIASES, edoByIdOrFileId, fileFormal, isEdo, readFormal, relatedDocument, requireStatus, signedTitle, STEP, titleFileId, titleXml } from './edo.js';
import { HANDBOOK, type TrueApiError } from './handbook.js';
import type { TrueApiTimings } from './reference.js';
import type { Registry } from './registry.js';
import type { Decision, EdoDocument, Participant, TrueApiState } from './state.js';

type Req = SimRequest<Caller>;
const callerOf = (req: Req) => (req.principal as Caller).participant;
const unix = (ms: number) => Math.floor(ms / 1000);
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** A multipart part as text: a field, or a file's bytes (base64 text, or the XML itself, which is encoded). */
function partText(v: string | UploadedFile | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  const text = v.data.toString('utf8').trim();
  return text.startsWith('<') ? b64(text) : text;
}

/** §7.1.1 / §7.1.2 register query. */
interface RegisterQuery {
  offset?: number;
  limit?: number;
  sortBy?: string;
  asc?: boolean;
  create_from?: number;
  create_to?: number;
  partner_inn?: string;
  statuses?: number[];
  type?: number[];
}
const SORT: Record<string, (d: EdoDocument, now: number) => number | string> = {
  created_at: (d) => d.receivedAt,
  date: (d) => d.docDate,
  number: (d) => d.number,
  status: (d, now) => edoStatus(d, now),
  type: (d) => d.edo.type,
};

export function createEdoHandlers(ctx: SystemContext<TrueApiState>, reg: Registry): Record<string, Handler<Caller>> {
  /** One of the caller's outgoing (it sent it) or incoming (addressed to it, delivered) documents, or the 404. */
  const own = (req: Req, side: 'outgoing' | 'incoming'): EdoDocument => {
    const d = pmap.get(ctx.state().documents, String(req.params.documentId));
    const bin = callerOf(req).bin;
    if (side === 'outgoing' && d && isEdo(d) && d.senderBin === bin) return d;
    if (side === 'incoming' && d && isEdo(d) && d.receiverBin === bin && d.edo.type !== 1005 && ![1, 10].includes(edoStatus(d, ctx.now()))) return d;
    throw new SimError(side === 'outgoing' ? HANDBOOK.OUTGOING_NOT_FOUND : HANDBOOK.INCOMING_NOT_FOUND);
  };

  const register = (req: Req, side: 'outgoing' | 'incoming') => {
    const q = req.query as RegisterQuery;
    const limit = q.limit ?? 10_000;
    if (limit < 0) throw new SimError(HANDBOOK.EDO_LIMIT_NEGATIVE);
    if (limit > 10_000) throw new SimError(HANDBOOK.EDO_LIMIT_EXCEEDED, [limit]);
    // A name of Object.prototype (sortBy=__proto__) is a value like any other: unknown.
    const sortBy = q.sortBy ?? 'created_at';
    const sortKey = Object.hasOwn(SORT, sortBy) ? SORT[sortBy] : undefined;
    if (!sortKey) throw new SimError(HANDBOOK.EDO_SEARCH_INVALID, [`sortBy ${q.sortBy}: сортировка возможна по ${Object.keys(SORT).join(', ')}`]);
    const now = ctx.now();
    const bin = callerOf(req).bin;
    const statuses = q.statuses?.map((s) => EDO_STATUS_ALIASES[s] ?? s);
    const types = q.type ?? (side === 'incoming' ? [1000] : undefined);
    const from = q.create_from !== undefined ? q.create_from * 1000 : -Infinity;
    const to = q.create_to !== undefined ? q.create_to * 1000 + 999 : Infinity;
    const all = [...pmap.values(ctx.state().documents)]
      .filter(isEdo)
      .filter((d) => {
        if (side === 'outgoing' ? d.senderBin !== bin : d.receiverBin !== bin || d.edo.type === 1005) return false;
        const status = edoStatus(d, now);
        if (side === 'incoming' && (status === 1 || status === 10)) return false;
        const partner = d.edo.type === 1005 || side === 'incoming' ? d.edo.supplierBin : d.edo.consigneeBin;
        return (
          d.receivedAt >= from &&
          d.receivedAt <= to &&
          (q.partner_inn === undefined || partner === q.partner_inn) &&
          (statuses === undefined || statuses.includes(status)) &&
          (types === undefined || types.includes(d.edo.type))
        );
      })
      .map((d) => ({ d, key: sortKey(d, now) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.d.id < b.d.id ? -1 : 1) * (q.asc === true ? 1 : -1));
    const offset = q.offset ?? 0;
    const items = all.slice(offset, offset + limit).map(({ d }) => ({ id: d.id, status: edoStatus(d, now), number: d.number, date: unix(d.docDate), type: d.edo.type, created_at: unix(d.receivedAt) }));
    return { body: { count: all.length, items } };
  };

  /** Step 1 (§7.1.9, §7.1.11): the title of a decision, made once and answered again until it is signed. */
  const makeTitle = async (d: EdoDocument, decision: Decision, signer: Participant) => {
    requireStatus(d, ctx.now(), [3], STEP[decision]);
    const made = d.edo.titles[decision];
    if (made && made.signedAt === undefined) return { contentType: 'text/plain', body: b64(made.xml) };
    const { title } = await ctx.commit((s, tx) => {
      const now = ctx.now();
      const cur = pmap.get(s.documents, d.id) as EdoDocument;
      requireStatus(cur, now, [3], STEP[decision]);
      const fileId = titleFileId(cur, decision, tx.ids.uuid('title'), now);
      const t = { fileId, xml: titleXml(cur, decision, fileId, signer.signer.name, now), createdAt: now };
      const next: EdoDocument = { ...cur, edo: { ...cur.edo, titles: { ...cur.edo.titles, [decision]: t } } };
      return { state: { ...s, documents: pmap.set(s.documents, d.id, next) }, title: t, events: [{ type: 'TitleMade', documentId: d.id, decision, fileId }] };
    });
    return { contentType: 'text/plain', body: b64(title.xml) };
  };

  /** Step 2 (§7.1.10, §7.1.12): the detached signature of the title; the document takes its new status now. */
  const signTitle = async (req: Req, d: EdoDocument, decision: Decision, signer: Participant) => {
    const title = d.edo.titles[decision];
    if (!title) throw new SimError(HANDBOOK.TITLE_NOT_MADE, [d.id, decision]);
    requireStatus(d, ctx.now(), [3], STEP[decision]);
    const signature = typeof req.body === 'string' ? req.body : '';
    const refusal = await documentSignatureRefusal({ signature, content: Buffer.from(title.xml, 'utf8'), base64: b64(title.xml), fileId: title.fileId, signerBin: signer.bin }, reg.signatures(), reg.pki, ctx.now());
    if (refusal) throw refusal;
    const { book } = reg.view();
    await ctx.commit((s) => signedTitle(s, book, d.id, decision, ctx.now()));
    return { status: 201 };
  };

  const titleBase64 = (d: EdoDocument, decision: Decision, missing: TrueApiError) => {
    const t = d.edo.titles[decision];
    if (!t) throw new SimError(missing);
    return { contentType: 'text/plain', body: b64(t.xml) };
  };

  const decisionOf = (req: Req) => String(req.params.decision) as 'approve' | 'reject';
  const withdrawSignature: Handler<Caller> = (req) => signTitle(req, own(req, 'outgoing'), 'withdraw', callerOf(req));

  return {
    // §7.3.2 / §7.4.1 — an act, a divergence notice or an EAEU import notice, told apart by its fileId; answers the
    // document's id as text.
    formalDocument: async (req) => {
      const p = callerOf(req);
      const parts = req.body as Record<string, string | UploadedFile>;
      const content = partText(parts.content);
      const signature = partText(parts.signature);
      const f = readNotice(readFormal, content);
      if (edoByIdOrFileId(ctx.state(), f.fileId)) throw new SimError(HANDBOOK.DOCUMENT_EXISTS, [f.fileId]);
      if (f.type === 1000 || f.type === 1100) {
        const receiver = ctx.state().world.participants.find((x) => x.bin === f.consigneeBin);
        if (!receiver) throw new SimError(HANDBOOK.RECEIVER_UNKNOWN, [f.consigneeBin]);
        if (!receiver.registered) throw new SimError(HANDBOOK.RECEIVER_PRE_REGISTERED);
      }
      if (f.type === 1005 && f.consigneeBin !== p.bin) throw new SimError(HANDBOOK.XML_INVALID, [`consigneeInfo: consigneeIdentificationCode ${f.consigneeBin} не совпадает с ИИН/БИН отправителя ${p.bin}`]);
      const related = relatedDocument(ctx.state(), f, p.bin);
      if (related && f.type === 1005 && related.edo.supplierBin !== f.supplierBin) throw new SimError(HANDBOOK.XML_INVALID, [`supplierInfo: supplierIdentificationCode ${f.supplierBin} не совпадает с поставщиком документа ${related.id}`]);
      // A divergence notice may go unsigned (§7.3.2: "регистрация без подписи"); the others need the sender's.
      if (signature || f.type !== 1005) {
        const refusal = await documentSignatureRefusal({ signature, content: Buffer.from(content, 'base64'), base64: content, fileId: f.fileId, signerBin: p.bin }, reg.signatures(), reg.pki, ctx.now());
        if (refusal) throw refusal;
      }
      const forcedError = (req.forced as { documentRejected?: string } | undefined)?.documentRejected;
      const { book } = reg.view();
      const { doc } = await ctx.commit((s, tx) => {
        if (pmap.has(s.fileIds, f.fileId)) throw new SimError(HANDBOOK.DOCUMENT_EXISTS, [f.fileId]);
        // Checked again here: the related document may have moved on while the signature was checked.
        const filing = { id: tx.ids.uuid('document'), number: tx.ids.uuid('document-number'), doc: f, content: Buffer.from(content, 'base64').toString('utf8'), signature, related: relatedDocument(s, f, p.bin), forcedError };
        return fileFormal(s, book, p, filing, ctx.now(), (ctx.timings() as TrueApiTimings).documentProcessingMs);
      });
      return { contentType: 'text/plain', body: doc.id };
    },

    outgoingDocuments: (req) => register(req, 'outgoing'),
    incomingDocuments: (req) => register(req, 'incoming'),

    // §7.1.3 / §7.1.4 — the document's XML as submitted, base64.
    outgoingDocumentBase64: (req) => ({ contentType: 'text/plain', body: b64(own(req, 'outgoing').content) }),
    incomingDocumentBase64: (req) => ({ contentType: 'text/plain', body: b64(own(req, 'incoming').content) }),

    // §7.1.9 / §7.1.10 / §7.1.8 — the receiver's decision: title, signature, title again.
    incomingDecision: (req) => makeTitle(own(req, 'incoming'), decisionOf(req), callerOf(req)),
    incomingDecisionSignature: (req) => signTitle(req, own(req, 'incoming'), decisionOf(req), callerOf(req)),
    incomingDecisionBase64: (req) => {
      const d = pmap.get(ctx.state().documents, String(req.params.documentId));
      if (!d || !isEdo(d) || d.receiverBin !== callerOf(req).bin) throw new SimError(HANDBOOK.INCOMING_EVENT_NOT_FOUND);
      return titleBase64(d, decisionOf(req), HANDBOOK.INCOMING_EVENT_NOT_FOUND);
    },

    // §7.1.11 / §7.1.12 / §7.1.7 — the sender's withdrawal: title, signature (both paths of §6.3 #10), title again.
    outgoingWithdraw: (req) => makeTitle(own(req, 'outgoing'), 'withdraw', callerOf(req)),
    outgoingWithdrawSignature: withdrawSignature,
    outgoingWithdrawSignatureLegacy: withdrawSignature,
    outgoingWithdrawBase64: (req) => {
      const d = pmap.get(ctx.state().documents, String(req.params.documentId));
      if (!d || !isEdo(d) || d.senderBin !== callerOf(req).bin) throw new SimError(HANDBOOK.WITHDRAW_EVENT_NOT_FOUND);
      return titleBase64(d, 'withdraw', HANDBOOK.WITHDRAW_EVENT_NOT_FOUND);
    },
  };
}
