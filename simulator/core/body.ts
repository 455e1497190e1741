/**
 * Request bodies, read by the media types an operation declares: JSON (any JSON value: objects, arrays, bare
 * strings), text (text/*, XML), bytes (application/octet-stream and other binary types) and multipart/form-data
 * (streamed with busboy; files arrive as `{ filename, contentType, data }`). Bounded by the body limit; a body in
 * a media type the operation does not declare, malformed or too large, is a RequestInvalid the system renders.
 *
 * @example
 * const { mediaType, body } = await readBody(req, res, ['application/json'], '20mb');
 */
import busboy from 'busboy';
import express, { type Request, type Response } from 'express';
import { MAX_DEPTH, tooDeep } from './bounds.js';
import { RequestInvalid } from './errors.js';

/** A file part of a multipart body. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export type BodyKind = 'json' | 'text' | 'binary' | 'multipart';

/** How a media type's body is read. */
export function bodyKind(mediaType: string): BodyKind {
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'json';
  if (mediaType === 'multipart/form-data') return 'multipart';
  if (mediaType.startsWith('text/') || mediaType === 'application/xml' || mediaType.endsWith('+xml')) return 'text';
  return 'binary';
}

/** The media type of a Content-Type header value, lower-case, without parameters. */
export const mediaTypeOf = (contentType: string | undefined): string | undefined => contentType?.split(';')[0].trim().toLowerCase() || undefined;

/** Whether the request carries a body (RFC 9112: a Content-Length above 0, or a Transfer-Encoding). */
export function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

/** The declared media type a request's Content-Type selects (wildcards such as text/* allowed in the contract). */
export function selectMediaType(declared: string[], contentType: string | undefined): string | undefined {
  const mt = mediaTypeOf(contentType) ?? 'application/octet-stream'; // RFC 9110 §8.3: a body without a type
  return declared.find((d) => d === mt) ?? declared.find((d) => d === '*/*' || (d.endsWith('/*') && mt.startsWith(d.slice(0, -1))));
}

const ALL = () => true;

function parseLimitBytes(limit: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(limit.trim());
  if (!m) throw new Error(`body limit ${limit} is not a size (like 20mb)`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * unit);
}

/** Runs a body-parser middleware as a promise, turning its errors into RequestInvalid. */
function run(mw: express.RequestHandler, req: Request, res: Response, limit: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    void mw(req, res, (err?: unknown) => {
      if (!err) return resolve(req.body);
      const e = err as { type?: string; status?: number; message?: string };
      if (e.type === 'entity.too.large') reject(new RequestInvalid([{ in: 'body', path: '$', reason: 'tooLarge', message: `request body is larger than ${limit}` }]));
      else if (e.type === 'entity.parse.failed') reject(new RequestInvalid([{ in: 'body', path: '$', reason: 'malformed', message: 'request body is not valid JSON' }]));
      else if (e.status && e.status < 500) reject(new RequestInvalid([{ in: 'body', path: '$', reason: 'malformed', message: e.message ?? 'bad request body' }]));
      else reject(err);
    });
  });
}

function readMultipart(req: Request, limit: string): Promise<Record<string, string | UploadedFile>> {
  const maxBytes = parseLimitBytes(limit);
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, fields: 100, files: 20, fieldSize: maxBytes, parts: 120 } });
    } catch (e) {
      return reject(new RequestInvalid([{ in: 'body', path: '$', reason: 'malformed', message: `multipart body: ${(e as Error).message}` }]));
    }
    const out: Record<string, string | UploadedFile> = {};
    let total = 0;
    let failed = false;
    const fail = (e: RequestInvalid) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume(); // drain what is left so the connection can answer
      reject(e);
    };
    const tooLarge = () => fail(new RequestInvalid([{ in: 'body', path: '$', reason: 'tooLarge', message: `request body is larger than ${limit}` }]));
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) return tooLarge();
      total += value.length;
      if (total > maxBytes) return tooLarge();
      out[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => {
        total += c.length;
        if (total > maxBytes) return tooLarge();
        chunks.push(c);
      });
      stream.on('limit', tooLarge);
      stream.on('close', () => {
        if (!failed) out[name] = { filename: info.filename ?? '', contentType: info.mimeType, data: Buffer.concat(chunks) };
      });
    });
    bb.on('partsLimit', tooLarge);
    bb.on('filesLimit', tooLarge);
    bb.on('fieldsLimit', tooLarge);
    bb.on('error', (e: Error) => fail(new RequestInvalid([{ in: 'body', path: '$', reason: 'malformed', message: `multipart body: ${e.message}` }])));
    bb.on('close', () => {
      if (!failed) resolve(out);
    });
    req.pipe(bb);
  });
}

/**
 * Reads the body of a request to an operation that declares `declared` media types. Resolves with the media type
 * chosen and the value (undefined: no body); rejects with RequestInvalid (unsupported type, malformed, too large).
 */
export async function readBody(req: Request, res: Response, declared: string[], limit: string): Promise<{ mediaType?: string; body: unknown }> {
  if (!declared.length || !hasBody(req)) return { body: undefined };
  const mediaType = selectMediaType(declared, req.headers['content-type']);
  if (!mediaType) {
    req.resume(); // discard the body: the answer does not depend on it
    const got = mediaTypeOf(req.headers['content-type']) ?? 'no Content-Type';
    throw new RequestInvalid([{ in: 'header', path: 'Content-Type', name: 'Content-Type', reason: 'mediaType', message: `${got} is not supported here: send ${declared.join(' or ')}` }]);
  }
  switch (bodyKind(mediaType)) {
    case 'json': {
      const body = await run(express.json({ limit, strict: false, type: ALL }), req, res, limit);
      // Checked before anything recursive (validation, storage, the journal) touches it.
      if (tooDeep(body)) {
        req.body = undefined;
        throw new RequestInvalid([{ in: 'body', path: '$', reason: 'tooDeep', message: `request body nests deeper than ${MAX_DEPTH} levels` }]);
      }
      return { mediaType, body };
    }
    case 'text':
      return { mediaType, body: await run(express.text({ limit, type: ALL }), req, res, limit) };
    case 'binary':
      return { mediaType, body: await run(express.raw({ limit, type: ALL }), req, res, limit) };
    case 'multipart':
      return { mediaType, body: await readMultipart(req, limit) };
  }
}
