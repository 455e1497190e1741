/**
 * Every error the ID issuer simulator returns. The document shows no error body; the service is ASP.NET (its
 * Date/Content-Type headers, .NET timestamps with seven fractional digits), so errors are RFC 7807 problem details
 * as ASP.NET Core writes them: { type, title, status, detail?, errors?: { field: [messages] }, traceId }.
 */
import type { Handbook, HandbookEntry } from '../../core/errors.js';

export interface ProblemEntry extends HandbookEntry {
  readonly title: string;
  readonly type: string;
  /** The field the error is about, for `errors` (validation problems). */
  readonly field?: string;
}

const RFC = 'https://tools.ietf.org/html/rfc9110#section-15.';
const SIM = 'simulator-defined (the document shows no error body)';

export const HANDBOOK = {
  VALIDATION: { status: 400, type: `${RFC}5.1`, title: 'One or more validation errors occurred.', text: (msg: string) => msg, source: 'ASP.NET Core ValidationProblemDetails' },
  UNAUTHORIZED: { status: 401, type: `${RFC}5.2`, title: 'Unauthorized', text: (why: string) => `Bearer token ${why}`, source: '"Authorization: Bearer {{AUTH_TOKEN}}" in every example' },
  REQUEST_NOT_FOUND: { status: 404, type: `${RFC}5.5`, title: 'Not Found', text: (id: string) => `Unit identifiers request ${id} was not found`, source: SIM },
  IDENTIFIERS_NOT_FOUND: { status: 404, type: `${RFC}5.5`, title: 'Not Found', text: (id: string, st: string) => `Unit identifiers of request ${id} do not exist: the request is ${st} (identifiers are generated after PassedToGeneration)`, source: '"After request is in state PassedToGeneration identifiers are generated"' },
  PATH_NOT_FOUND: { status: 404, type: `${RFC}5.5`, title: 'Not Found', text: (m: string, p: string) => `No endpoint ${m} ${p}`, source: SIM },
  METHOD_NOT_ALLOWED: { status: 405, type: `${RFC}5.6`, title: 'Method Not Allowed', text: (m: string, allowed: string) => `Method ${m} is not allowed here (allowed: ${allowed})`, source: SIM },
  CANCEL_WRONG_STATE: { status: 409, type: `${RFC}5.10`, title: 'Conflict', text: (id: string, st: string) => `Request ${id} is ${st}: only New or Accepted requests can be cancelled`, source: '"Accepted - request accepted, awaiting 24 hours for cancellation"' },
  CANCEL_WINDOW_CLOSED: { status: 409, type: `${RFC}5.10`, title: 'Conflict', text: (id: string, at: string) => `The 24-hour cancellation period of request ${id} ended at ${at}`, source: '"PassedToGeneration - ... 24 hours cancellation period ended"' },
  MACHINE_REQUIRED: { status: 400, type: `${RFC}5.1`, title: 'One or more validation errors occurred.', field: 'machineId', text: 'machineId is required when processType is true (a machine is used in the process)', source: '"processType" - is machine used in process' },
  CANCEL_EO_MISMATCH: { status: 400, type: `${RFC}5.1`, title: 'One or more validation errors occurred.', field: 'economicOperatorId', text: (eo: string) => `Request belongs to economic operator ${eo}`, source: SIM },
  NOT_READY_FOR_DOWNLOAD: { status: 409, type: `${RFC}5.10`, title: 'Conflict', text: (id: string, st: string) => `Unit identifiers of request ${id} are ${st}: they can be downloaded when Synchronized`, source: '"Identifiers are ready to download when in state Synchronized"' },
  NOT_DOWNLOADED: { status: 409, type: `${RFC}5.10`, title: 'Conflict', text: (id: string, f: string) => `Unit identifiers of request ${id} were not downloaded in format ${f}: download them before confirming`, source: SIM },
  CHECKSUM_MISMATCH: { status: 400, type: `${RFC}5.1`, title: 'One or more validation errors occurred.', field: 'checksum', text: (f: string) => `Checksum does not match the SHA-256 of the ${f} file`, source: '"Checksum is calculated with SHA256 from csv file"' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, type: `${RFC}5.16`, title: 'Unsupported Media Type', text: (what: string) => what, source: 'ASP.NET Core answers 415 to a body it cannot read' },
  TOO_MANY_REQUESTS: { status: 429, type: 'https://tools.ietf.org/html/rfc6585#section-4', title: 'Too Many Requests', text: (n: number) => `At most ${n} requests a minute`, source: 'simulator-defined (the document states no rate limit; a scenario may set one)' },
  PAYLOAD_TOO_LARGE: { status: 413, type: `${RFC}5.14`, title: 'Payload Too Large', text: (l: string) => `Request body is larger than ${l}`, source: SIM },
  UPSTREAM_STATUS: { status: 502, type: `${RFC}6.3`, title: 'Bad Gateway', text: (status: number, reason: string) => `${status} ${reason}`, source: 'simulator-defined (scenario status faults; status and title are the fault\'s)' },
  INTERNAL: { status: 500, type: `${RFC}6.1`, title: 'An error occurred while processing your request.', text: 'Internal server error', source: SIM },
} as const satisfies Record<string, ProblemEntry>;

/** Errors of the ID issuer's control-plane routes (rendered as the control plane's problem details). */
export const CONTROL_ERRORS = {
  UNKNOWN_TOKEN: { status: 404, text: (t: string) => `no token ${JSON.stringify(t)} was issued in this world`, source: 'simulator-defined' },
  UNKNOWN_USER: { status: 404, text: (u: string) => `no user ${JSON.stringify(u)} in this world`, source: 'simulator-defined' },
} as const satisfies Handbook;
