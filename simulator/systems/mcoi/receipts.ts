/**
 * Receipts of a cash register (observed #33: clients read GET /api/rcp/receipts; the real document types
 * SALES_RECEIPT and REFUND_RECEIPT, observed #35). A receipt is played on the control plane — the simulator has no
 * cash register API of its own — and stored as a document of its seller: processed as a whole like a report, a sale
 * makes its codes WITHDRAWN, a refund brings them back to APPLIED. Pure: (state, command, env) → Result.
 */
import { type Result, SimError } from '../../core/errors.js';
import { HANDBOOK } from './handbook.js';
import { errAt, orgByTin, type Env } from './machine.js';
import { LIMITS } from './reference.js';
import { ErrorList, recordReport, resolveFor, type ReportOutcome } from './reports.js';
import type { McoiState, User } from './state.js';

export interface ReceiptInput {
  /** The seller's TIN. */
  tin: string;
  type: 'SALE' | 'RETURN';
  codes: string[];
  /** The fiscal receipt's own id (the cash register's), as clients show it. */
  externalId?: string;
  /** When the register printed it (ISO 8601); the receipt's registration time by default. */
  receiptDate?: string;
}

/** The receipt as stored (its document's body). */
export interface ReceiptBody {
  type: 'SALE' | 'RETURN';
  externalId?: string;
  receiptDate: string;
  codes: string[];
}

/** The user a control-plane receipt is registered by: the register is not a user of the world. */
const REGISTER: User = { login: 'cash-register', password: '', orgId: 0, name: 'cash register', roles: [] };

export function fileReceipt(s: McoiState, input: ReceiptInput, env: Env): Result<ReportOutcome, SimError> {
  const seller = orgByTin(s, input.tin);
  if (!seller) return { ok: false, error: new SimError(HANDBOOK.PARTY_NOT_FOUND, [input.tin], { body: '$.tin' }) };
  if (input.codes.length > LIMITS.codesPerReport) return errAt('REPORT_CODES_LIMIT', { body: '$.codes' }, LIMITS.codesPerReport, input.codes.length);
  const errors = new ErrorList();
  const seen = new Set<string>();
  const refs: number[] = [];
  const want = input.type === 'SALE' ? 'APPLIED' : 'WITHDRAWN';
  for (const code of input.codes) {
    const r = resolveFor(code, { owner: seller }, seen, errors, env);
    if (!r) continue;
    if (r.status !== want) {
      errors.add('INVALID_CODE_STATUS', code, { status: r.status }, r.status, want);
      continue;
    }
    refs.push(r.ref.seq, r.ref.index);
  }
  const body: ReceiptBody = { type: input.type, receiptDate: input.receiptDate ?? new Date(env.now).toISOString(), codes: input.codes, ...(input.externalId !== undefined ? { externalId: input.externalId } : {}) };
  const type = input.type === 'SALE' ? 'SALES_RECEIPT' : 'REFUND_RECEIPT';
  return { ok: true, value: recordReport(s, env, type, { owner: seller }, { ...REGISTER, orgId: seller.id }, {}, body, errors, [{ kind: input.type === 'SALE' ? 'sell' : 'return', refs }]) };
}
