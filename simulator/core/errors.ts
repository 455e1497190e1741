/**
 * Errors as data. Each system's handbook.ts lists its errors (status, code, text); routes and machines raise
 * them by key, and one renderer per system turns them into that system's own envelope.
 *
 * @example
 * throw new SimError(HANDBOOK.ORDER_NOT_FOUND, [orderId], { query: 'orderId' });
 */

/** One error a system can return. `text` is verbatim from the document where the document gives it. */
export interface HandbookEntry {
  readonly status: number;
  readonly text: string | ((...args: never[]) => string);
  /** Where the text or code comes from: a section of the document, an observation, or "simulator-defined". */
  readonly source: string;
}

export type Handbook = Record<string, HandbookEntry>;

/** Where in the request the offending value was, for envelopes that point at it. */
export interface ErrorLocation {
  body?: string;
  query?: string;
  path?: string;
  header?: string;
}

export interface ErrorDetails extends ErrorLocation {
  context?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export class SimError extends Error {
  constructor(
    readonly entry: HandbookEntry,
    readonly args: readonly unknown[] = [],
    readonly details: ErrorDetails = {},
  ) {
    super(renderText(entry, args));
    this.name = 'SimError';
  }
}

export function renderText(entry: HandbookEntry, args: readonly unknown[]): string {
  return typeof entry.text === 'function' ? (entry.text as (...a: unknown[]) => string)(...args) : entry.text;
}

export type Result<T, E = SimError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** Unwraps a Result at the edge (routes), raising its error. */
export function unwrap<T>(r: Result<T, SimError>): T {
  if (!r.ok) throw r.error;
  return r.value;
}

/** A request that does not fit the OpenAPI contract: what and where, before any business rule runs. */
export interface ValidationIssue {
  in: 'body' | 'query' | 'path' | 'header';
  /** JSON path inside the location, e.g. `$.products[0].quantity` or the query parameter's name. */
  path: string;
  /** The parameter or property name, when there is one. */
  name?: string;
  /** Why: "required", "type", "enum", "format", "maxItems", "malformed", "tooLarge", ... */
  reason: string;
  message: string;
}

export class RequestInvalid extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.in} ${i.path}: ${i.message}`).join('; '));
    this.name = 'RequestInvalid';
  }
}

/** What a system's renderer produces for any failure. */
export interface RenderedError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

/** RFC 7807 problem details: the simulator's own envelope (control plane, and refusals before any system is reached). */
export function problem(status: number, title: string, detail: string, errors?: ValidationIssue[]): RenderedError {
  return {
    status,
    contentType: 'application/problem+json',
    body: { type: 'about:blank', title, status, detail, ...(errors ? { errors: errors.map((e) => ({ in: e.in, path: e.path, message: e.message })) } : {}) },
  };
}
