/**
 * MCOI's envelope (§1.6): `{"globalErrors": [{error, errorCode, code, request…JsonPath, errorId, service, context}]}`
 * for every failure; with SIM_MCOI_PERMISSION_STATUS=400 every refusal for want of permission (201) answers the real
 * stage's bare 400 body instead (observed #1).
 */
import { STATUS_CODES } from 'node:http';
import type { Envelope } from '../../core/envelope.js';
import { SimError } from '../../core/errors.js';
import type { SimRequest, SystemContext } from '../../core/system.js';
import { HANDBOOK, type McoiError } from './handbook.js';
import type { McoiState, User } from './state.js';

export interface McoiEnvelopeItem {
  error: string;
  errorCode: number;
  code?: string;
  requestBodyJsonPath?: string;
  requestQueryJsonPath?: string;
  requestPathJsonPath?: string;
  errorId?: string;
  service?: string;
  context?: Record<string, unknown>;
}

/** The §1.6 envelope for one handbook entry: what tests compare responses with. */
export function renderError(entry: McoiError, args: unknown[] = [], details: SimError['details'] = {}, errorId?: string): { status: number; body: { globalErrors: McoiEnvelopeItem[] } } {
  const e = new SimError(entry, args, details);
  const item: McoiEnvelopeItem = { error: e.message, errorCode: entry.errorCode };
  if (entry.bare) return { status: entry.status, body: { globalErrors: [item] } };
  if (entry.code) item.code = entry.code;
  if (details.body) item.requestBodyJsonPath = details.body;
  if (details.query) item.requestQueryJsonPath = details.query;
  if (details.path) item.requestPathJsonPath = details.path;
  if (errorId) item.errorId = errorId;
  item.service = 'mcoi';
  if (details.context) item.context = details.context;
  return { status: entry.status, body: { globalErrors: [item] } };
}

export function mcoiEnvelope(ctx: SystemContext<McoiState>): Envelope<SimRequest<User>> {
  const id = () => ctx.responseId();
  return {
    entry(err) {
      // Every refusal for want of permission (201) answers as the profile says: §2.4's 403, or the stage's bare 400.
      if ((err.entry as McoiError).errorCode === HANDBOOK.NO_PERMISSION.errorCode && Number(ctx.profile('permissionDeniedStatus')) === 400) return renderError(HANDBOOK.NO_PERMISSION_STAGE);
      return renderError(err.entry as McoiError, [...err.args], err.details, id());
    },
    tooLarge: () => renderError(HANDBOOK.PAYLOAD_TOO_LARGE, [ctx.bodyLimit], {}, id()),
    mediaType: (i) => renderError(HANDBOOK.UNSUPPORTED_MEDIA_TYPE, [i.message], { header: 'Content-Type' }, id()),
    malformed: (i) => renderError(HANDBOOK.INVALID_FORMAT, [i.message], { body: '$' }, id()),
    invalid: ([i]) =>
      renderError(
        HANDBOOK.INVALID_INPUT,
        [i.in === 'body' ? i.path : i.path || (i.name ?? ''), i.message],
        { ...(i.in === 'body' ? { body: i.path } : i.in === 'query' ? { query: i.path } : i.in === 'path' ? { path: i.path } : {}), context: { parameter: i.name ?? i.path, reason: i.reason } },
        id(),
      ),
    internal: () => renderError(HANDBOOK.INTERNAL, [], {}, id()),
    methodNotAllowed: (method, allowed) => renderError(HANDBOOK.METHOD_NOT_ALLOWED, [method, allowed.join(', ')]),
    pathNotFound: (method, path) => renderError(HANDBOOK.PATH_NOT_FOUND, [method, path]),
    upstream: (status) => {
      if (status === 503) return renderError(HANDBOOK.SERVICE_UNAVAILABLE);
      if (status === 500) return renderError(HANDBOOK.INTERNAL);
      return renderError({ ...HANDBOOK.UPSTREAM_STATUS, status }, [status, STATUS_CODES[status] ?? 'Error']);
    },
  };
}
