/**
 * True API's envelopes: `{error_message}` JSON for most failures (§2.1), the Spring OAuth XML of a 401, an empty 406,
 * the shipment (`{errors: [{code, message}]}`) and import (`{code, description, errors}`) families of §6.3 #16; and a
 * request the contract refuses worded as the Spring/Jackson service behind True API words it.
 */
import type { Envelope } from '../../core/envelope.js';
import { SimError, type RenderedError, type ValidationIssue } from '../../core/errors.js';
import type { SimRequest } from '../../core/system.js';
import { toXml } from '../../core/xml.js';
import type { Caller } from './auth.js';
import { HANDBOOK, type TrueApiError } from './handbook.js';
import { OPERATION_FAMILY } from './reference.js';

/** The body a handbook error renders to: JSON `{error_message}`, the XML of a 401, nothing for a 406. */
export function renderTrueApiError(entry: TrueApiError, args: unknown[] = []): RenderedError {
  const text = new SimError(entry, args).message;
  if (entry.empty) return { status: entry.status, body: undefined };
  if (entry.xml) return { status: entry.status, contentType: 'application/xml', body: toXml({ [entry.xml.exception]: { error: entry.xml.error, error_description: text } }) };
  if (entry.family === 'shipment') return { status: entry.status, body: { errors: [{ code: String(entry.status), message: text }] } };
  if (entry.family === 'import') return { status: entry.status, body: { code: String(entry.status), description: text, errors: text } };
  return { status: entry.status, body: { error_message: text } };
}

/** Java's name for a JSON Schema type, as Spring words a wrong parameter type (§2.1). */
const JAVA_TYPE: Record<string, string> = { integer: 'Integer', number: 'Number', boolean: 'Boolean', string: 'String', array: 'List', object: 'Map' };
const JAVA_CLASS: Record<string, string> = { array: 'java.util.ArrayList', object: 'java.util.LinkedHashMap', string: 'java.lang.String', integer: 'java.lang.Integer', number: 'java.math.BigDecimal', boolean: 'java.lang.Boolean' };

/** The Jackson token a JSON value starts with. */
function jacksonToken(v: unknown): string {
  if (Array.isArray(v)) return 'START_ARRAY';
  if (v === null) return 'VALUE_NULL';
  if (typeof v === 'object') return 'START_OBJECT';
  if (typeof v === 'string') return 'VALUE_STRING';
  if (typeof v === 'boolean') return v ? 'VALUE_TRUE' : 'VALUE_FALSE';
  return Number.isInteger(v) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
}

/** The value at a `$.a[0].b` path of a body (undefined when it is not there). */
function at(body: unknown, path: string): unknown {
  let cur = body;
  for (const m of path.replace(/^\$/, '').matchAll(/\.([^.[]+)|\[(\d+)\]/g)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[m[1] ?? m[2]];
  }
  return cur;
}

/** A request that does not fit the contract, as the Spring service behind True API answers it. */
function invalidRequest(i: ValidationIssue, body: unknown): RenderedError {
  const name = i.name ?? (i.path.replace(/^\$\.?/, '') || 'body');
  if (i.reason === 'tooLarge') return renderTrueApiError(HANDBOOK.PAYLOAD_TOO_LARGE);
  // Spring names the media type sent; none sent reads as the empty type.
  if (i.reason === 'mediaType') return renderTrueApiError(HANDBOOK.UNSUPPORTED_MEDIA_TYPE, [/^no Content-Type/.test(i.message) ? '' : (/^(\S+) is not supported/.exec(i.message)?.[1] ?? i.message)]);
  if (i.in === 'body' && i.reason === 'required' && i.path === '$') return renderTrueApiError(HANDBOOK.BODY_MISSING);
  if (i.in === 'body' && i.reason === 'malformed') return renderTrueApiError(HANDBOOK.JSON_PARSE, [`${i.message}; nested exception is com.fasterxml.jackson.core.JsonParseException`]);
  const expected = /must be (\w+)/.exec(i.message)?.[1];
  if (i.in === 'body' && i.reason === 'type' && expected) {
    const what = `Cannot deserialize instance of \`${JAVA_CLASS[expected] ?? expected}\` out of ${jacksonToken(at(body, i.path))} token`;
    return renderTrueApiError(HANDBOOK.JSON_PARSE, [`${what}; nested exception is com.fasterxml.jackson.databind.exc.MismatchedInputException: ${what}`]);
  }
  if (i.reason === 'required') return renderTrueApiError(HANDBOOK.MISSING_PARAMETER, [i.name ?? name]);
  if (i.reason === 'type' && expected) return renderTrueApiError(HANDBOOK.WRONG_TYPE, [name, JAVA_TYPE[expected] ?? expected]);
  return renderTrueApiError(HANDBOOK.INVALID_VALUE, [name, i.message]);
}

/** A path the shipment and import operations cannot read (bad percent-encoding, a wrong id), in their own family (§6.3 #16). */
function familyPathError(i: ValidationIssue, operationId: string | undefined): RenderedError | undefined {
  if (i.in !== 'path' || !operationId) return undefined;
  const family = OPERATION_FAMILY[operationId];
  if (!family) return undefined;
  return renderTrueApiError(family === 'shipment' ? HANDBOOK.SHIPMENT_PATH_INVALID : HANDBOOK.IMPORT_PATH_INVALID, [i.message]);
}

export const TRUE_API_ENVELOPE: Envelope<SimRequest<Caller>> = {
  entry: (err) => renderTrueApiError(err.entry as TrueApiError, [...err.args]),
  tooLarge: (i, at) => invalidRequest(i, at.req?.body),
  mediaType: (i, at) => invalidRequest(i, at.req?.body),
  malformed: (i, at) => familyPathError(i, at.op?.operationId) ?? invalidRequest(i, at.req?.body),
  invalid: ([i], at) => familyPathError(i, at.op?.operationId) ?? invalidRequest(i, at.req?.body),
  internal: () => renderTrueApiError(HANDBOOK.INTERNAL),
  methodNotAllowed: (method) => renderTrueApiError(HANDBOOK.METHOD_NOT_ALLOWED, [method]),
  pathNotFound: () => renderTrueApiError(HANDBOOK.PATH_NOT_FOUND),
  upstream(status) {
    const known = Object.values(HANDBOOK).find((e) => e.status === status && !('xml' in e) && e.source.startsWith('§2.1'));
    return known ? renderTrueApiError(known) : { ...renderTrueApiError(HANDBOOK.UPSTREAM_STATUS, [status]), status };
  },
  notAcceptable: () => renderTrueApiError(HANDBOOK.NOT_ACCEPTABLE),
};
