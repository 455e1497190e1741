/**
 * A request's query string as the real service's framework binds it (SystemModule.queryBinding): names matched in any
 * case (ASP.NET Core), and a single-valued parameter sent twice made one value.
 */
import type { Operation } from './openapi.js';
import type { QueryBinding } from './system.js';

/**
 * A query as the real service binds it (SystemModule.queryBinding): each declared single-valued parameter sent more
 * than once becomes one value — the first, or (Spring) a plain string's values joined with commas.
 */
export function boundAs(query: Record<string, unknown>, op: Operation, binding: QueryBinding | undefined): Record<string, unknown> {
  const named = binding === 'aspnet' ? namedAsDeclared(query, op) : query;
  if (!Object.values(named).some(Array.isArray)) return named; // nothing sent twice: the common case, untouched
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(named)) {
    const p = Array.isArray(v) ? op.queryParams.find((q) => q.name === k) : undefined;
    out[k] = p && !p.isArray ? (binding === 'spring' && p.plainString ? (v as unknown[]).join(',') : (v as unknown[])[0]) : v;
  }
  return out;
}

/** A query with each parameter under the name the operation declares, whatever case it was sent in (ASP.NET binding). */
function namedAsDeclared(query: Record<string, unknown>, op: Operation): Record<string, unknown> {
  // No prototype: a parameter named __proto__ is a name like any other.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(query)) {
    const name = op.queryParams.find((p) => p.name.toLowerCase() === k.toLowerCase())?.name ?? k;
    // The same name twice in two cases (pageSize=1&PageSize=2) is a repeated parameter, as ASP.NET takes it.
    out[name] = Object.hasOwn(out, name) ? [out[name], v].flat() : v;
  }
  return out;
}
