/**
 * Error rendering, decided once for every system. A system says how each kind of failure looks in its own envelope
 * (an `Envelope`: a handbook error, a body too large, a media type it does not read, a body it cannot parse, a
 * request the contract refuses, an internal error, a method not allowed, a path it does not have, a status forced by
 * a scenario); core decides which kind a failure is, adds the `Allow` header to a 405, and logs what it did not
 * expect. The order of the decision: a handbook error → too large → media type → malformed → contract → internal.
 *
 * @example
 * const envelope: Envelope = { entry: (e) => ({ status: e.entry.status, body: { message: e.message } }), ... };
 * const r = renderer(envelope, log).render(err, op, req);
 */
import { RequestInvalid, SimError, type RenderedError, type ValidationIssue } from './errors.js';
import type { Operation } from './openapi.js';

/** Where a failure happened: the operation and request (core's SimRequest) when one was matched and read. */
export interface Failure<R = unknown> {
  op?: Operation;
  req?: R;
}

/** How a system answers each kind of failure, in its own envelope. */
export interface Envelope<R = unknown> {
  /** A handbook error raised by a handler, a guard or a scenario fault (its headers are added by core). */
  entry(err: SimError, at: Failure<R>): RenderedError;
  /** The body is larger than the system reads. */
  tooLarge(issue: ValidationIssue, at: Failure<R>): RenderedError;
  /** The body comes in a media type the operation does not read. */
  mediaType(issue: ValidationIssue, at: Failure<R>): RenderedError;
  /** The body cannot be parsed (reason `malformed`) or nests deeper than the simulator reads (`tooDeep`). */
  malformed(issue: ValidationIssue, at: Failure<R>): RenderedError;
  /** Parameters, headers or body that do not fit the contract. */
  invalid(issues: ValidationIssue[], at: Failure<R>): RenderedError;
  /** Anything else: a defect of the simulator (already logged by core). */
  internal(at: Failure<R>): RenderedError;
  /** A path below the base that has other methods (core adds `Allow`). */
  methodNotAllowed(method: string, allowed: string[], path: string): RenderedError;
  /** A path below the base that no operation has. */
  pathNotFound(method: string, path: string): RenderedError;
  /** A status a scenario forces, or the simulator answers before a request is read (431, 414, 408). */
  upstream(status: number): RenderedError;
  /**
   * When no Accept value of the request matches the media type of the response produced: what to answer instead
   * (True API: 406 with an empty body). Absent: the response is sent anyway.
   */
  notAcceptable?(at: Failure<R>): RenderedError;
}

export interface Renderer<R = unknown> {
  render(err: unknown, op?: Operation, req?: R): RenderedError;
  renderStatus(status: number): RenderedError;
  unmatched(method: string, path: string, allowed: string[]): RenderedError;
  notAcceptable?(op: Operation, req: R): RenderedError;
}

/** The failure's own headers (a Retry-After, a precise WWW-Authenticate) over the envelope's. */
const withHeaders = (r: RenderedError, headers?: Record<string, string>): RenderedError => (headers ? { ...r, headers: { ...r.headers, ...headers } } : r);

/** The one decision tree over a system's envelope. `logError` hears of every failure the simulator did not expect. */
export function renderer<R>(envelope: Envelope<R>, logError: (message: string, err: unknown) => void): Renderer<R> {
  return {
    render(err, op, req) {
      const at: Failure<R> = { op, req };
      if (err instanceof SimError) return withHeaders(envelope.entry(err, at), err.details.headers);
      if (err instanceof RequestInvalid) {
        const find = (...reasons: string[]) => err.issues.find((i) => reasons.includes(i.reason));
        const tooLarge = find('tooLarge');
        if (tooLarge) return envelope.tooLarge(tooLarge, at);
        const media = find('mediaType');
        if (media) return envelope.mediaType(media, at);
        const malformed = find('malformed', 'tooDeep');
        if (malformed) return envelope.malformed(malformed, at);
        return envelope.invalid(err.issues, at);
      }
      logError('unexpected error', err);
      return envelope.internal(at);
    },
    renderStatus: (status) => envelope.upstream(status),
    unmatched: (method, path, allowed) => {
      if (!allowed.length) return envelope.pathNotFound(method, path);
      const r = envelope.methodNotAllowed(method, allowed, path);
      return r.status === 405 ? withHeaders(r, { Allow: allowed.join(', ') }) : r;
    },
    ...(envelope.notAcceptable ? { notAcceptable: (op: Operation, req: R) => envelope.notAcceptable!({ op, req }) } : {}),
  };
}
