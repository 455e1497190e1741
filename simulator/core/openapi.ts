/**
 * The OpenAPI contracts (openapi/<id>.yaml): loaded once, used to mount one route per operation, to validate
 * requests before any business rule runs, and (in tests) to validate every response.
 *
 * @example
 * const contract = loadContract('openapi/mcoi.yaml');
 * const op = contract.operations.find((o) => o.operationId === 'registerOrder');
 * contract.validateRequest(op, { query, params, body }); // ValidationIssue[]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';
import { parse as parseYaml } from 'yaml';
import { bodyKind, type UploadedFile } from './body.js';
import { MAX_STRING } from './bounds.js';
import type { ValidationIssue } from './errors.js';
import { isWellFormedXml } from './xml.js';

// ajv-formats ships CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
type Method = (typeof METHODS)[number];

export interface Operation {
  operationId: string;
  method: Method;
  /** The path as the contract spells it, below the system base: `/api/orders/{orderId}`. */
  path: string;
  /** The same path in express syntax: `/api/orders/:orderId`. */
  expressPath: string;
  pointer: string;
  parameters: OpenAPIV3_1.ParameterObject[];
  /**
   * Query parameters with whether each is an array (precomputed: requests are validated on the hot path) and whether
   * a comma separates its values (`a=x,y`); a parameter declaring `explode: true` takes repeated values only, a comma
   * being part of a value (True API §1.6).
   */
  /** plainString: a string with no enum, const or format (a Java String, which Spring binds by joining repeats). */
  queryParams: { name: string; isArray: boolean; commaSeparated: boolean; plainString: boolean }[];
  /** Header parameters (names lower-case, as Node gives them). */
  headerParams: { name: string; header: string }[];
  /** The request body's media types, as declared (none: the operation takes no body). */
  requestMedia: string[];
  bodyRequired: boolean;
  /** Whether the contract requires credentials (`security` not `[]`, on the operation or the document). */
  secured: boolean;
  responses: Record<string, OpenAPIV3_1.ResponseObject>;
}

export interface RequestParts {
  query: Record<string, unknown>;
  params: Record<string, unknown>;
  headers?: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The declared media type the body was read as. */
  mediaType?: string;
}

export interface ValidatedRequest {
  query: Record<string, unknown>;
  params: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
}

/** A multipart body as its schema sees it: each file part a string (its bytes are not the schema's business). */
const asSchemaSees = (body: Record<string, string | UploadedFile>) => Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : '']));

const SPEC_ID = 'contract.json';

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function jsonPath(instancePath: string): string {
  if (!instancePath) return '$';
  return (
    '$' +
    instancePath
      .split('/')
      .slice(1)
      .map((seg) => {
        const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
        return /^\d+$/.test(s) ? `[${s}]` : `.${s}`;
      })
      .join('')
  );
}

function issueFrom(where: ValidationIssue['in'], e: ErrorObject): ValidationIssue {
  let path = jsonPath(e.instancePath);
  let name = e.instancePath.split('/').filter((s) => !/^\d+$/.test(s)).pop();
  let message = e.message ?? 'is invalid';
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    path = path === '$' ? `$.${missing}` : `${path}.${missing}`;
    name = missing;
    message = 'is required';
  } else if (e.keyword === 'enum') {
    message = `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  } else if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    path = `${path}.${extra}`;
    name = extra;
    message = 'is not allowed';
  }
  if (where !== 'body') {
    // Parameters are named, not pathed: `$.orderId` → `orderId`.
    path = path.replace(/^\$\.?/, '');
  }
  return { in: where, path, name, reason: e.keyword, message };
}

/**
 * A copy of a document in which every string schema that states no bound of its own (`maxLength`, `enum`, `const`,
 * or content such as a file) has `maxLength: MAX_STRING`: what request bodies are validated against. The documents
 * give few maxima; a value they leave open must still not be megabytes long. Parameters are left as written: the
 * 16 KB header limit bounds them, and a path or query value is looked up, never stored.
 */
function capStrings<T>(document: T): T {
  const copy = structuredClone(document);
  const stack: unknown[] = [copy];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === 'object') {
      const s = node as Record<string, unknown>;
      const stringy = s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'));
      const bounded = 'maxLength' in s || 'enum' in s || 'const' in s || 'contentMediaType' in s || s.format === 'binary';
      if (stringy && !bounded) s.maxLength = MAX_STRING;
      // An operation's or path item's parameter list, and components.parameters; not a property named so.
      for (const [k, v] of Object.entries(s)) if (!(k === 'parameters' && (Array.isArray(v) || 'schemas' in s))) stack.push(v);
    }
  }
  return copy;
}

function newAjv(document: object, params: boolean): Ajv2020 {
  const ajv = params
    ? new Ajv2020({ strict: false, allErrors: false, coerceTypes: 'array', useDefaults: true, validateSchema: false })
    : new Ajv2020({ strict: false, allErrors: false, validateFormats: true, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(document, SPEC_ID);
  return ajv;
}

export class Contract {
  readonly operations: Operation[];
  /** JSON and multipart request bodies: strings capped (see capStrings). */
  private readonly bodyAjv: Ajv2020;
  /** Responses, and text request bodies (bounded as a whole by the body limit): the document as written. */
  private readonly plainBodyAjv: Ajv2020;
  /** Parameters (coerced from text), requests' and responses'. */
  private readonly paramAjv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(
    readonly document: OpenAPIV3_1.Document,
    readonly source: string,
  ) {
    this.bodyAjv = newAjv(capStrings(document) as object, false);
    this.plainBodyAjv = newAjv(document as object, false);
    this.paramAjv = newAjv(document as object, true);
    this.operations = [];
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (!item) continue;
      const shared = (item.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
      for (const method of METHODS) {
        const op = item[method] as OpenAPIV3_1.OperationObject | undefined;
        if (!op) continue;
        if (!op.operationId) throw new Error(`${source}: ${method.toUpperCase()} ${path} has no operationId`);
        const parameters = [...shared, ...((op.parameters ?? []) as OpenAPIV3_1.ParameterObject[])].map((p) =>
          this.deref<OpenAPIV3_1.ParameterObject>(p),
        );
        const body = op.requestBody ? this.deref<OpenAPIV3_1.RequestBodyObject>(op.requestBody) : undefined;
        if (op.requestBody && '$ref' in op.requestBody) throw new Error(`${source}: ${op.operationId}: write requestBody inline (its schema may $ref)`);
        const security = (op.security ?? document.security ?? []) as OpenAPIV3_1.SecurityRequirementObject[];
        this.operations.push({
          operationId: op.operationId,
          method,
          path,
          expressPath: path.replace(/\{([^}]+)\}/g, ':$1'),
          pointer: `#/paths/${escapePointer(path)}/${method}`,
          parameters,
          queryParams: parameters
            .filter((p) => p.in === 'query')
            .map((p) => {
              const schema = this.deref<OpenAPIV3_1.SchemaObject>(p.schema ?? {});
              const plainString = schema.type === 'string' && !schema.enum && schema.const === undefined && !schema.format;
              return { name: p.name, isArray: schema.type === 'array', commaSeparated: p.explode !== true, plainString };
            }),
          headerParams: parameters.filter((p) => p.in === 'header').map((p) => ({ name: p.name, header: p.name.toLowerCase() })),
          requestMedia: Object.keys(body?.content ?? {}),
          bodyRequired: body?.required === true,
          // An empty requirement ({}) makes credentials optional: the operation is then public too.
          secured: security.length > 0 && !security.some((r) => Object.keys(r).length === 0),
          responses: Object.fromEntries(
            Object.entries(op.responses ?? {}).map(([k, v]) => [k, this.deref<OpenAPIV3_1.ResponseObject>(v)]),
          ),
        });
      }
    }
    // Operations are matched in the contract's order: a templated path listed before a literal one it also matches
    // (/product/{id} before /product/search-by-gtin) would take its requests. Refused at load, not found by a client.
    this.operations.forEach((later, j) => {
      if (later.path.includes('{')) return;
      const earlier = this.operations.slice(0, j).find((op) => op.method === later.method && op.path.includes('{') && this.match(op.method, later.path)?.op === op);
      if (earlier) throw new Error(`${source}: ${earlier.method.toUpperCase()} ${earlier.path} is listed before ${later.path}, which it also matches: list the literal path first`);
    });
  }

  /** Resolves a local `$ref` (one level; the contract keeps refs shallow). */
  deref<T>(node: unknown): T {
    const ref = (node as { $ref?: string }).$ref;
    if (!ref) return node as T;
    let cur: unknown = this.document;
    for (const seg of ref.replace(/^#\//, '').split('/')) cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
    return cur as T;
  }

  private compile(ajv: Ajv2020, key: string, schema: object): ValidateFunction {
    const cacheKey = `${[this.bodyAjv, this.paramAjv, this.plainBodyAjv].indexOf(ajv)}:${key}`;
    let v = this.cache.get(cacheKey);
    if (!v) {
      v = ajv.compile(schema);
      this.cache.set(cacheKey, v);
    }
    return v;
  }

  private paramsValidator(op: Operation, where: 'query' | 'path' | 'header'): ValidateFunction {
    const cached = this.cache.get(`1:${op.pointer}:${where}`);
    if (cached) return cached;
    const params = op.parameters.filter((p) => p.in === where);
    const properties: Record<string, object> = {};
    for (const p of params) {
      // Point at the parameter's schema inside the document so its local $refs resolve.
      properties[p.name] = p.schema ? { $ref: `${SPEC_ID}${this.paramPointer(op, p)}/schema` } : {};
    }
    return this.compile(this.paramAjv, `${op.pointer}:${where}`, {
      type: 'object',
      properties,
      required: params.filter((p) => p.required).map((p) => p.name),
    });
  }

  private paramPointer(op: Operation, p: OpenAPIV3_1.ParameterObject): string {
    // Parameters may sit on the path item or the operation, inline or by $ref: find where this one is written.
    const item = (this.document.paths ?? {})[op.path] as OpenAPIV3_1.PathItemObject;
    const opObj = item[op.method] as OpenAPIV3_1.OperationObject;
    const locate = (list: unknown[] | undefined, base: string): string | undefined => {
      const i = (list ?? []).findIndex((x) => this.deref<OpenAPIV3_1.ParameterObject>(x) === p);
      if (i < 0) return undefined;
      const ref = (list![i] as { $ref?: string }).$ref;
      return ref ?? `${base}/parameters/${i}`;
    };
    return (
      locate(opObj.parameters, op.pointer) ??
      locate(item.parameters, `#/paths/${escapePointer(op.path)}`) ??
      (() => {
        throw new Error(`parameter ${p.name} not found`);
      })()
    );
  }

  /**
   * Validates and coerces a request: query, path and header parameters, then the body by its media type. Returns
   * the typed values, or the issues found. Comma-separated values are split for array parameters (`types=A,B` as
   * well as `types=A&types=B`) unless the parameter declares `explode: true`.
   */
  validateRequest(op: Operation, parts: RequestParts): { ok: true; value: ValidatedRequest } | { ok: false; issues: ValidationIssue[] } {
    const query: Record<string, unknown> = {};
    for (const p of op.queryParams) {
      let v = parts.query[p.name];
      if (v === undefined) continue;
      if (p.isArray) {
        const list = (Array.isArray(v) ? v : [v]).flatMap((x) => (p.commaSeparated ? String(x).split(',') : [String(x)])).filter((x) => x !== '');
        v = list;
      } else if (Array.isArray(v)) {
        v = v[0]; // sent twice: the first value, as most frameworks bind a single-valued parameter (mount binds per system)
      }
      // An empty value (`?gtin=`) is an absent value, as Spring-style services treat it.
      if (v === '') continue;
      query[p.name] = v;
    }
    const params: Record<string, unknown> = { ...parts.params };
    const qv = this.paramsValidator(op, 'query');
    if (!qv(query)) return { ok: false, issues: (qv.errors ?? []).map((e) => issueFrom('query', e)) };
    const pv = this.paramsValidator(op, 'path');
    if (!pv(params)) return { ok: false, issues: (pv.errors ?? []).map((e) => issueFrom('path', e)) };
    const headers: Record<string, unknown> = {};
    if (op.headerParams.length) {
      for (const h of op.headerParams) {
        const v = parts.headers?.[h.header];
        if (v !== undefined) headers[h.name] = Array.isArray(v) ? v.join(', ') : v;
      }
      const hv = this.paramsValidator(op, 'header');
      if (!hv(headers)) return { ok: false, issues: (hv.errors ?? []).map((e) => issueFrom('header', e)) };
    }
    if (op.requestMedia.length) {
      if (parts.body === undefined) {
        if (op.bodyRequired) return { ok: false, issues: [{ in: 'body', path: '$', reason: 'required', message: 'request body is required' }] };
      } else {
        const mt = parts.mediaType ?? op.requestMedia[0];
        const kind = bodyKind(mt);
        // Bytes are checked for presence and size only; a multipart body's file parts count as strings.
        if (kind !== 'binary') {
          const bv = this.compile(kind === 'text' ? this.plainBodyAjv : this.bodyAjv, `${op.pointer}:body:${mt}`, { $ref: `${SPEC_ID}${op.pointer}/requestBody/content/${escapePointer(mt)}/schema` });
          const seen = kind === 'multipart' ? asSchemaSees(parts.body as Record<string, string | UploadedFile>) : parts.body;
          if (!bv(seen)) return { ok: false, issues: (bv.errors ?? []).map((e) => issueFrom('body', e)) };
        }
      }
    }
    return { ok: true, value: { query, params, headers, body: parts.body } };
  }

  /** Validates a value against `components/schemas/<name>`; issue paths start at `prefix` (e.g. `$.documentBody`). */
  validateSchema(name: string, value: unknown, prefix = '$'): ValidationIssue[] {
    const v = this.compile(this.bodyAjv, `#/components/schemas/${name}`, { $ref: `${SPEC_ID}#/components/schemas/${name}` });
    if (v(value)) return [];
    return (v.errors ?? []).map((e) => {
      const i = issueFrom('body', e);
      return { ...i, path: prefix + i.path.slice(1) };
    });
  }

  /** Finds the operation a method and path (below the base) belong to (a parameter that is not valid percent-encoding stays as sent). */
  match(method: string, path: string): { op: Operation; params: Record<string, string> } | undefined {
    const m = method.toLowerCase();
    for (const op of this.operations) {
      if (op.method !== m) continue;
      const names: string[] = [];
      const re = new RegExp(
        '^' + op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_s, n: string) => (names.push(n), '([^/]+)')) + '/?$',
      );
      const hit = re.exec(path);
      if (hit) return { op, params: Object.fromEntries(names.map((n, i) => [n, safeDecode(hit[i + 1])])) };
    }
    return undefined;
  }

  /**
   * Checks a response against the contract: the status is declared (exactly, or by its range such as 5XX), the
   * headers it declares required are present and fit, the media type is declared, and the body fits: JSON by its
   * schema, XML well-formed, text a string, a ZIP its magic bytes. Returns what is wrong (empty when it conforms).
   * `op` undefined means no operation matched: the body must then fit `x-sim-unmatched-response`.
   */
  validateResponse(op: Operation | undefined, status: number, contentType: string | undefined, body: unknown, headers: Record<string, unknown> = {}): string[] {
    let pointer: string;
    let response: OpenAPIV3_1.ResponseObject | undefined;
    const name = op?.operationId ?? 'unmatched';
    if (!op) {
      const ref = (this.document as unknown as Record<string, string>)['x-sim-unmatched-response'];
      if (!ref) return [`no operation matches and the contract declares no x-sim-unmatched-response`];
      pointer = ref;
      response = this.deref<OpenAPIV3_1.ResponseObject>({ $ref: ref });
    } else {
      const key = op.responses[String(status)] ? String(status) : op.responses[`${String(status)[0]}XX`] ? `${String(status)[0]}XX` : undefined;
      if (!key) return [`${name}: status ${status} is not in the contract`];
      response = op.responses[key];
      const raw = ((this.document.paths ?? {})[op.path] as Record<string, OpenAPIV3_1.OperationObject>)[op.method].responses![key] as { $ref?: string };
      pointer = raw.$ref ?? `${op.pointer}/responses/${key}`;
    }
    const problems: string[] = [];
    for (const [h, decl] of Object.entries(response.headers ?? {})) {
      const d = this.deref<OpenAPIV3_1.HeaderObject>(decl);
      const v = headers[h.toLowerCase()];
      if (v === undefined) {
        if (d.required) problems.push(`${name} ${status}: header ${h} is required`);
        continue;
      }
      if (d.schema) {
        const hv = this.compile(this.paramAjv, `${pointer}:h:${h}`, { type: 'object', properties: { v: { $ref: `${SPEC_ID}${pointer}/headers/${escapePointer(h)}/schema` } } });
        if (!hv({ v: String(v) })) problems.push(`${name} ${status}: header ${h} ${JSON.stringify(v)} ${hv.errors?.[0]?.message}`);
      }
    }
    const content = response.content;
    if (!content || Object.keys(content).length === 0) {
      const empty = body === undefined || body === '' || (Buffer.isBuffer(body) && body.length === 0);
      return empty ? problems : [...problems, `${name}: ${status} has a body the contract does not declare`];
    }
    const mediaType = (contentType ?? '').split(';')[0].trim();
    const declared = Object.keys(content);
    const mt = declared.find((d) => d === mediaType) ?? declared.find((d) => d.endsWith('/*') && mediaType.startsWith(d.slice(0, -1)));
    if (!mt) return [...problems, `${name}: ${status} answered ${mediaType || 'no content type'}, contract says ${declared.join(' or ')}`];
    if (body === undefined) return problems; // streamed: the bytes are not captured
    const kind = bodyKind(mt);
    if (kind === 'json') {
      const v = this.compile(this.plainBodyAjv, `${pointer}:${mt}`, { $ref: `${SPEC_ID}${pointer}/content/${escapePointer(mt)}/schema` });
      if (!v(body)) problems.push(...(v.errors ?? []).map((e) => `${name} ${status}: ${jsonPath(e.instancePath)} ${e.message} ${JSON.stringify(e.params)}`));
    } else if (kind === 'text') {
      const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
      if (typeof text !== 'string') problems.push(`${name} ${status}: a ${mt} body must be text`);
      else if (/xml/.test(mt) && !isWellFormedXml(text)) problems.push(`${name} ${status}: the ${mt} body is not well-formed XML`);
    } else if (mt === 'application/zip') {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(String(body), 'latin1');
      if (bytes.subarray(0, 4).toString('hex') !== '504b0304' && bytes.subarray(0, 4).toString('hex') !== '504b0506') problems.push(`${name} ${status}: the application/zip body does not start like a ZIP file`);
    }
    return problems;
  }
}

/**
 * The control plane's contract: core's own (control.yaml) with the operations each system adds (its control
 * contract) merged in. A path, an operationId or a component name declared twice is a start-up error, never a
 * silent overwrite. Parameters marked `x-sim-enum: systems` get the mounted systems' ids (and `control`) as enum.
 */
export function mergeControlContract(baseFile: string, fragments: { system: string; file: string }[], systemIds: readonly string[]): Contract {
  const base = structuredClone(loadDocument(baseFile)) as Record<string, any>;
  const owner = new Map<string, string>();
  const shape = (p: string) => p.replace(/\{[^}]+\}/g, '{}');
  const opIds = new Map<string, string>();
  const ops = (doc: Record<string, any>) => Object.values(doc.paths ?? {}).flatMap((item: any) => METHODS.map((m) => item?.[m]).filter(Boolean)) as { operationId: string }[];
  for (const p of Object.keys(base.paths ?? {})) owner.set(shape(p), 'the control plane');
  for (const op of ops(base)) opIds.set(op.operationId, 'the control plane');
  const baseName = basename(baseFile);
  for (const { system, file } of fragments) {
    const doc = ontoBase(loadDocument(file), baseName) as Record<string, any>;
    for (const [p, item] of Object.entries(doc.paths ?? {})) {
      const clash = owner.get(shape(p));
      if (clash) throw new Error(`${file}: control route ${p} of ${system} clashes with a route of ${clash}`);
      owner.set(shape(p), system);
      base.paths[p] = item;
    }
    for (const op of ops(doc)) {
      const clash = opIds.get(op.operationId);
      if (clash) throw new Error(`${file}: control operationId ${op.operationId} of ${system} is already one of ${clash}`);
      opIds.set(op.operationId, system);
    }
    for (const [kind, entries] of Object.entries((doc.components ?? {}) as Record<string, Record<string, unknown>>)) {
      base.components ??= {};
      base.components[kind] ??= {};
      for (const [name, value] of Object.entries(entries)) {
        // The base's own component, named by reference so the fragment stands alone (its securityScheme): not a new one.
        if ((value as { $ref?: unknown })?.$ref === `#/components/${kind}/${name}` && name in base.components[kind]) continue;
        if (name in base.components[kind]) throw new Error(`${file}: component ${kind}/${name} of ${system} is already declared`);
        base.components[kind][name] = value;
      }
    }
  }
  for (const item of Object.values(base.paths ?? {}) as any[]) {
    for (const op of METHODS.map((m) => item?.[m]).filter(Boolean)) {
      for (const param of op.parameters ?? []) if (param['x-sim-enum'] === 'systems') param.schema = { ...param.schema, enum: [...systemIds, 'control'] };
    }
  }
  return new Contract(base as unknown as OpenAPIV3_1.Document, baseFile);
}

/**
 * A control fragment as the merged contract reads it: its references into the base file (`control.yaml#/components/
 * responses/Problem`, which let the fragment stand alone for a linter or a generator) become local ones. A copy: the
 * parsed document is shared.
 */
function ontoBase(value: unknown, baseName: string): unknown {
  if (Array.isArray(value)) return value.map((v) => ontoBase(v, baseName));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith(`${baseName}#`) ? v.slice(baseName.length) : ontoBase(v, baseName)]),
  );
}

/** Parsed documents and compiled contracts by file. Both are immutable, so apps in one process share them. */
const documents = new Map<string, unknown>();
const loaded = new Map<string, Contract>();

/** A YAML (or JSON) document, parsed once. */
export function loadDocument(file: string): unknown {
  let d = documents.get(file);
  if (d === undefined) {
    d = parseYaml(readFileSync(file, 'utf8'));
    documents.set(file, d);
  }
  return d;
}

export function loadContract(file: string): Contract {
  let c = loaded.get(file);
  if (!c) {
    c = new Contract(loadDocument(file) as OpenAPIV3_1.Document, file);
    loaded.set(file, c);
  }
  return c;
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
