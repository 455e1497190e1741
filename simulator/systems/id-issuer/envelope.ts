/**
 * The ID issuer's envelope: ASP.NET Core problem details (RFC 7807) with a W3C trace id, as the service answers
 * every failure; field errors under `errors` as its model validation writes them.
 */
import { STATUS_CODES } from 'node:http';
import type { Envelope } from '../../core/envelope.js';
import { SimError, type RenderedError } from '../../core/errors.js';
import type { SimRequest, SystemContext } from '../../core/system.js';
import { HANDBOOK, type ProblemEntry } from './handbook.js';
import type { IdIssuerState, User } from './state.js';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Record<string, string[]>;
  traceId: string;
}

/** An ASP.NET Core problem details body for a handbook entry (what tests compare responses with). */
export function renderProblem(entry: ProblemEntry, args: unknown[] = [], fieldErrors?: Record<string, string[]>, traceId = '00-00000000000000000000000000000000-0000000000000000-00'): Problem {
  const text = new SimError(entry, args).message;
  const p: Problem = { type: entry.type, title: entry.title, status: entry.status, traceId };
  if (fieldErrors) p.errors = fieldErrors;
  else if (entry.field) p.errors = { [entry.field]: [text] };
  else p.detail = text;
  return p;
}

/** A W3C trace id (as ASP.NET writes it) from a response id: 32 hex digits of trace, a span id cut from them. */
function traceId(responseId: string): string {
  const hex = responseId.replace(/-/g, '');
  return `00-${hex}-${hex.slice(8, 24)}-00`;
}

export function idIssuerEnvelope(ctx: SystemContext<IdIssuerState>): Envelope<SimRequest<User>> {
  const problem = (entry: ProblemEntry, args: unknown[], fieldErrors?: Record<string, string[]>, headers?: Record<string, string>): RenderedError => ({
    status: entry.status,
    contentType: 'application/problem+json',
    body: renderProblem(entry, args, fieldErrors, traceId(ctx.responseId())),
    headers,
  });
  const invalid = (issues: { path: string; message: string }[]) => {
    const errors: Record<string, string[]> = {};
    for (const i of issues) (errors[i.path || '$'] ??= []).push(i.message);
    return problem(HANDBOOK.VALIDATION, [], errors);
  };
  return {
    // ASP.NET's bearer handler names the scheme on every 401 (RFC 6750), a scenario's forced one included.
    entry: (err) => problem(err.entry as ProblemEntry, [...err.args], undefined, err.entry.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined),
    tooLarge: () => problem(HANDBOOK.PAYLOAD_TOO_LARGE, [ctx.bodyLimit]),
    mediaType: (i) => problem(HANDBOOK.UNSUPPORTED_MEDIA_TYPE, [i.message]),
    malformed: (i) => invalid([i]),
    invalid,
    internal: () => problem(HANDBOOK.INTERNAL, []),
    methodNotAllowed: (method, allowed) => problem(HANDBOOK.METHOD_NOT_ALLOWED, [method, allowed.join(', ')]),
    pathNotFound: (method, path) => problem(HANDBOOK.PATH_NOT_FOUND, [method, path]),
    upstream: (status) => problem({ ...HANDBOOK.UPSTREAM_STATUS, status, title: STATUS_CODES[status] ?? 'Error' }, [status, STATUS_CODES[status] ?? 'Error']),
  };
}
