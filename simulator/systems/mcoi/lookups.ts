/**
 * Code information and owner checks (observed #28–#30, not in v1.1.17): what a client may learn of codes by name.
 */
import { ok, type Result, SimError } from '../../core/errors.js';
import { canSeeOrder, errAt, orgOf, type CodeView, type Found } from './machine.js';
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
