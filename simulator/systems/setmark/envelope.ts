/**
 * SetMark's envelope: Spring Boot's default error body (`{timestamp, status, error, message, path}`), as every 400,
 * 404, 405 and 422 of the service carries it; an internal error is a 422 (§2.1).
 */
import { STATUS_CODES } from 'node:http';
import type { Envelope, Failure } from '../../core/envelope.js';
import { SimError, type RenderedError } from '../../core/errors.js';
import type { SystemContext } from '../../core/system.js';
import { HANDBOOK } from './handbook.js';
import type { SetmarkState } from './state.js';

/** Spring Boot's default error body (what a 400, 404, 405, 422 of the service carry). */
export function springError(status: number, message: string, path: string, at: Date) {
  return { timestamp: at.toISOString().replace('Z', '+00:00'), status, error: STATUS_CODES[status] ?? 'Error', message, path };
}

export function setmarkEnvelope(ctx: SystemContext<SetmarkState>): Envelope {
  const spring = (status: number, message: string, path: string): RenderedError => ({ status, contentType: 'application/json', body: springError(status, message, path, ctx.clock.now()) });
  const pathOf = (at: Failure) => at.op?.path ?? '/';
  return {
    entry: (err, at) => spring(err.entry.status, err.message, pathOf(at)),
    tooLarge: (_i, at) => spring(413, new SimError(HANDBOOK.PAYLOAD_TOO_LARGE, [ctx.bodyLimit]).message, pathOf(at)),
    mediaType: (i, at) => spring(415, i.message, pathOf(at)),
    malformed: (i, at) => (i.reason === 'malformed' ? spring(400, new SimError(HANDBOOK.MALFORMED_JSON, [i.message]).message, pathOf(at)) : setmarkInvalid([i], pathOf(at))),
    invalid: (issues, at) => setmarkInvalid(issues, pathOf(at)),
    internal: (at) => spring(422, HANDBOOK.INTERNAL.text, pathOf(at)),
    methodNotAllowed: (method, _allowed, path) => spring(405, new SimError(HANDBOOK.METHOD_NOT_ALLOWED, [method]).message, path),
    pathNotFound: (_method, path) => spring(404, new SimError(HANDBOOK.NOT_FOUND, [path]).message, path),
    upstream: (status) => spring(status, STATUS_CODES[status] ?? 'Error', '/'),
  };

  function setmarkInvalid(issues: { path: string; name?: string; message: string }[], path: string): RenderedError {
    const fields = issues.map((i) => `${i.path.replace(/^\$\.?/, '') || i.name || 'body'} ${i.message}`).join('; ');
    return spring(400, new SimError(HANDBOOK.VALIDATION_FAILED, [fields.slice(0, 2000)]).message, path);
  }
}
