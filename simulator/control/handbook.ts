/** Errors of the control plane itself (simulator-defined; rendered as application/problem+json). */
import type { Handbook } from '../core/errors.js';

export const CONTROL_HANDBOOK = {
  CLOCK_SET_INVALID: { status: 400, text: (v: string) => `"set" must be an ISO 8601 date-time, got ${JSON.stringify(v)}`, source: 'simulator-defined' },
  CLOCK_OUT_OF_RANGE: { status: 400, text: (why: string) => why, source: 'simulator-defined (every instant must be a valid date)' },
  UNKNOWN_SYSTEM: { status: 404, text: (id: string, valid: string) => `no system "${id}" is mounted (${valid})`, source: 'simulator-defined' },
  UNKNOWN_CONTRACT: { status: 404, text: (f: string, valid: string) => `no contract "${f}" (${valid})`, source: 'simulator-defined' },
  UNKNOWN_SCENARIO: { status: 404, text: (n: string) => `no scenario named ${JSON.stringify(n)} under scenarios/ (GET /__sim/scenarios lists them)`, source: 'simulator-defined' },
  UNKNOWN_VIEW: { status: 404, text: (system: string, view: string, valid: string) => `${system} has no view "${view}" (its views: ${valid})`, source: 'simulator-defined' },
  UNKNOWN_ROW: { status: 404, text: (system: string, view: string, id: string) => `no ${view} ${JSON.stringify(id)} in ${system} (or the view has no detail)`, source: 'simulator-defined' },
  UNKNOWN_CODE: { status: 404, text: (system: string, code: string) => `${system} knows no code ${JSON.stringify(code)} (or has no code lookup)`, source: 'simulator-defined' },
  STORE_UNREACHABLE: { status: 503, text: (kind: string, replica: string) => `the ${kind} store cannot be reached from ${replica}: requests that need it fail until it is back (it reconnects by itself)`, source: 'simulator-defined' },
  UNKNOWN_WORLD: { status: 404, text: (id: string) => `no world ${JSON.stringify(id)} (GET /__sim/worlds lists them; POST /__sim/worlds creates one)`, source: 'simulator-defined' },
  WORLD_EXISTS: { status: 409, text: (id: string) => `a world ${JSON.stringify(id)} exists already: DELETE /__sim/worlds/${id} first, or choose another id`, source: 'simulator-defined' },
  TOO_MANY_WORLDS: { status: 429, text: (max: string) => `this simulator holds at most ${max} worlds besides the default one (SIM_MAX_WORLDS): delete one first`, source: 'simulator-defined' },
} as const satisfies Handbook;
