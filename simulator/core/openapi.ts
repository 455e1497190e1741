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
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIV3_1 } from 'openapi-types';
import { parse as parseYaml } from 'yaml';
import type { ValidationIssue } from './errors.js';

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
  /** Query parameters with whether each is an array (precomputed: requests are validated on the hot path). */
  queryParams: { name: string; isArray: boolean }[];
  hasBody: boolean;
  bodyRequired: boolean;
  responses: Record<string, OpenAPIV3_1.ResponseObject>;
}

export interface RequestParts {
  query: Record<string, unknown>;
  params: Record<string, unknown>;
  body: unknown;
}

export interface ValidatedRequest {
  query: Record<string, unknown>;
  params: Record<string, unknown>;
  body: unknown;
}

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

export class Contract {
  readonly operations: Operation[];
  private readonly bodyAjv: Ajv2020;
  private readonly paramAjv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(
    readonly document: OpenAPIV3_1.Document,
    readonly source: string,
  ) {
    this.bodyAjv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    this.paramAjv = new Ajv2020({ strict: false, allErrors: false, coerceTypes: 'array', useDefaults: true });
    addFormats(this.bodyAjv);
    addFormats(this.paramAjv);
    this.bodyAjv.addSchema(document as object, SPEC_ID);
    this.paramAjv.addSchema(document as object, SPEC_ID);
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
        this.operations.push({
          operationId: op.operationId,
          method,
          path,
          expressPath: path.replace(/\{([^}]+)\}/g, ':$1'),
          pointer: `#/paths/${escapePointer(path)}/${method}`,
          parameters,
          queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, isArray: this.deref<OpenAPIV3_1.SchemaObject>(p.schema ?? {}).type === 'array' })),
          hasBody: body !== undefined,
          bodyRequired: body?.required === true,
          responses: Object.fromEntries(
            Object.entries(op.responses ?? {}).map(([k, v]) => [k, this.deref<OpenAPIV3_1.ResponseObject>(v)]),
          ),
        });
      }
    }
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
    const cacheKey = `${ajv === this.paramAjv ? 'p' : 'b'}:${key}`;
    let v = this.cache.get(cacheKey);
    if (!v) {
      v = ajv.compile(schema);
      this.cache.set(cacheKey, v);
    }
    return v;
  }

  private paramsValidator(op: Operation, where: 'query' | 'path'): ValidateFunction {
    const cached = this.cache.get(`p:${op.pointer}:${where}`);
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
   * Validates and coerces a request. Returns the typed query/path values, or the issues found.
   * Comma-separated values are split for array parameters (`types=A,B` as well as `types=A&types=B`).
   */
  validateRequest(op: Operation, parts: RequestParts): { ok: true; value: ValidatedRequest } | { ok: false; issues: ValidationIssue[] } {
    const query: Record<string, unknown> = {};
    for (const p of op.queryParams) {
      let v = parts.query[p.name];
      if (v === undefined) continue;
      if (p.isArray) {
        const list = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(',')).filter((x) => x !== '');
        v = list;
      } else if (Array.isArray(v)) {
        v = v[v.length - 1];
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
    if (op.hasBody) {
      const absent = parts.body === undefined;
      if (absent && op.bodyRequired) {
        return { ok: false, issues: [{ in: 'body', path: '$', reason: 'required', message: 'request body is required' }] };
      }
      if (!absent) {
        const bv = this.compile(this.bodyAjv, `${op.pointer}:body`, {
          $ref: `${SPEC_ID}${op.pointer}/requestBody/content/${escapePointer('application/json')}/schema`,
        });
        if (!bv(parts.body)) return { ok: false, issues: (bv.errors ?? []).map((e) => issueFrom('body', e)) };
      }
    }
    return { ok: true, value: { query, params, body: parts.body } };
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

  /** Finds the operation a method and path (below the base) belong to. */
  match(method: string, path: string): { op: Operation; params: Record<string, string> } | undefined {
    const m = method.toLowerCase();
    for (const op of this.operations) {
      if (op.method !== m) continue;
      const names: string[] = [];
      const re = new RegExp(
        '^' + op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_s, n: string) => (names.push(n), '([^/]+)')) + '/?$',
      );
      const hit = re.exec(path);
      if (hit) return { op, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(hit[i + 1])])) };
    }
    return undefined;
  }

  /**
   * Checks a response against the contract. Returns what is wrong (empty when it conforms).
   * `op` undefined means no operation matched: the body must then fit `x-sim-unmatched-response`.
   */
  validateResponse(op: Operation | undefined, status: number, contentType: string | undefined, body: unknown): string[] {
    let pointer: string;
    let response: OpenAPIV3_1.ResponseObject | undefined;
    if (!op) {
      const ref = (this.document as unknown as Record<string, string>)['x-sim-unmatched-response'];
      if (!ref) return [`no operation matches and the contract declares no x-sim-unmatched-response`];
      pointer = ref;
      response = this.deref<OpenAPIV3_1.ResponseObject>({ $ref: ref });
    } else {
      const key = op.responses[String(status)] ? String(status) : op.responses[`${String(status)[0]}XX`] ? `${String(status)[0]}XX` : 'default';
      response = op.responses[key];
      if (!response) return [`${op.operationId}: status ${status} is not in the contract`];
      const raw = ((this.document.paths ?? {})[op.path] as Record<string, OpenAPIV3_1.OperationObject>)[op.method].responses![key] as { $ref?: string };
      pointer = raw.$ref ?? `${op.pointer}/responses/${key}`;
    }
    const content = response.content;
    if (!content || Object.keys(content).length === 0) {
      return body === undefined || body === '' || (Buffer.isBuffer(body) && body.length === 0) ? [] : [`${op?.operationId}: ${status} has a body the contract does not declare`];
    }
    const mediaType = (contentType ?? '').split(';')[0].trim();
    const declared = Object.keys(content);
    const mt = declared.find((d) => d === mediaType) ?? declared.find((d) => d.endsWith('/*') && mediaType.startsWith(d.slice(0, -1)));
    if (!mt) return [`${op?.operationId ?? 'unmatched'}: ${status} answered ${mediaType || 'no content type'}, contract says ${declared.join(' or ')}`];
    if (!/json/.test(mt)) return [];
    const v = this.compile(this.bodyAjv, `${pointer}:${mt}`, { $ref: `${SPEC_ID}${pointer}/content/${escapePointer(mt)}/schema` });
    if (v(body)) return [];
    return (v.errors ?? []).map((e) => `${op?.operationId ?? 'unmatched'} ${status}: ${jsonPath(e.instancePath)} ${e.message} ${JSON.stringify(e.params)}`);
  }
}

/** Parsed, compiled contracts by file. A contract is immutable, so apps in one process share it (tests build many). */
const loaded = new Map<string, Contract>();

export function loadContract(file: string): Contract {
  let c = loaded.get(file);
  if (!c) {
    c = new Contract(parseYaml(readFileSync(file, 'utf8')) as OpenAPIV3_1.Document, file);
    loaded.set(file, c);
  }
  return c;
}
