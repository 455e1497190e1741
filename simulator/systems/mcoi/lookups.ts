/**
 * Code information and owner checks (observed #28–#30, not in v1.1.17): what a client may learn of codes by name.
 */
import { ok, type Result, SimError } from '../../core/errors.js';
import { GS } from '../../core/gs1.js';
import { canSeeOrder, errAt, orgOf, type CodeView, type Found } from './machine.js';
import { LIMITS } from './reference.js';
import type { McoiState, User } from './state.js';

export interface CodeLookup {
  found: Found[];
  /** Codes of another owner (observed #29). */
  forbiddenCodes: string[];
  /** Codes never issued, packages never formed. */
  missingCodes: string[];
}

/** Sorts the codes a client asks about into its own, another owner's, and unknown, in the order asked. */
export function lookupCodes(s: McoiState, user: User, codes: string[], view: CodeView): CodeLookup {
  const out: CodeLookup = { found: [], forbiddenCodes: [], missingCodes: [] };
  for (const code of codes) {
    const f = view.lookup(code);
    if (!f) out.missingCodes.push(code);
    else if (f.code ? !canSeeOrder(s, user, f.code.order) : f.unit!.orgId !== user.orgId) out.forbiddenCodes.push(code);
    else out.found.push(f);
  }
  return out;
}

/** An owner check names the caller's own organization (or none): another's TIN is refused (errorCode 201). */
export function checkOwnerTin(s: McoiState, user: User, ownerTin: string | undefined): Result<true, SimError> {
  if (ownerTin !== undefined && ownerTin !== orgOf(s, user.orgId)?.tin) return errAt('NO_PERMISSION', { body: '$.ownerTin' });
  return ok(true);
}

/**
 * The codes public code information answers for, in the order asked: any owner's; a code unknown, or sent with its
 * verification code (GS 93…, observed #34: "sending it returns an empty array"), is left out.
 */
export function publicLookup(codes: string[], view: CodeView): Found[] {
  return codes.flatMap((code) => {
    const f = view.lookup(code);
    // 01 + GTIN + 21 + serial: anything after it (with or without GS) is the verification code.
    if (!f || code.includes(GS) || (f.code && code.length > 18 + LIMITS.serialLength)) return [];
    return [f];
  });
}
