/**
 * Who may talk to the simulator, and to its control plane.
 * - **Allowed hosts** (every route): the Host header must name this machine — localhost, its addresses, its host
 *   name (a container's) — or one the operator lists (SIM_ALLOWED_HOSTS; `*` for any): a web page cannot reach the
 *   simulator through a rebound DNS name.
 * - **The control plane** (/__sim): switched off entirely but for health (SIM_CONTROL=off); or locked with a bearer
 *   token (SIM_CONTROL_TOKEN) for every route but health, the docs (with the contracts they show) and the dashboard's
 *   static files (which ask for the token and send it with every call they make); and whatever
 *   changes state takes JSON only and no foreign Origin, so no cross-site form or script can reset a world.
 *
 * @example
 * app.use(hostGuard(settings.allowedHosts));
 * app.use('/__sim', controlGuard(settings.control));
 */
import { timingSafeEqual } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { problem, type RenderedError } from './errors.js';

export interface ControlAccess {
  /** false: only /__sim/health answers (SIM_CONTROL=off). */
  enabled: boolean;
  /** When set, every control route but health and the docs needs `Authorization: Bearer <token>`. */
  token?: string;
}

/** The host names this machine answers to by default: localhost names, its addresses, its host name. */
export function defaultAllowedHosts(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address.toLowerCase()));
  return [...new Set(['localhost', '127.0.0.1', '::1', hostname().toLowerCase(), ...addresses])];
}

/** The host name of a Host header: lower-case, without port; IPv6 without brackets. */
export function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  return h.replace(/:\d+$/, '').replace(/\.$/, '');
}

function answer(res: Response, r: RenderedError): void {
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  res.status(r.status).type(r.contentType ?? 'application/problem+json').json(r.body);
}

/** Whether a Host header names this simulator (SIM_ALLOWED_HOSTS). */
export function hostAllowed(allowed: '*' | readonly string[]): (header: string | undefined) => boolean {
  if (allowed === '*') return () => true;
  const names = new Set(allowed.map((a) => a.toLowerCase()));
  return (header) => {
    const host = hostOf(header);
    return !!host && (names.has(host) || host.endsWith('.localhost'));
  };
}

export function hostGuard(allowed: '*' | readonly string[]): RequestHandler {
  const ok = hostAllowed(allowed);
  return (req: Request, res: Response, next: NextFunction) => {
    if (ok(req.headers.host)) return next();
    answer(res, problem(403, 'Forbidden', `Host ${JSON.stringify(req.headers.host ?? '')} is not one this simulator answers to: add it to SIM_ALLOWED_HOSTS (comma-separated), or set SIM_ALLOWED_HOSTS=* to allow any`));
  };
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Mounted on /__sim, before the docs and the control routes; `req.path` is below /__sim. */
export function controlGuard(access: ControlAccess): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.path;
    if (path === '/health') return next();
    if (!access.enabled) return answer(res, problem(404, 'Not Found', 'the control plane is switched off (SIM_CONTROL=off): only /__sim/health answers'));
    // The docs, the contracts they show and the dashboard's static files hold no data of the world.
    const docs = path === '/docs' || path.startsWith('/docs/') || path.startsWith('/openapi/') || path === '/ui' || path.startsWith('/ui/');
    if (access.token && !docs) {
      const m = /^\s*bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!m || !sameSecret(m[1], access.token)) {
        return answer(res, { ...problem(401, 'Unauthorized', 'the control plane needs Authorization: Bearer <SIM_CONTROL_TOKEN>'), headers: { 'WWW-Authenticate': 'Bearer realm="marking-sim control plane"' } });
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const origin = req.headers.origin;
      if (origin !== undefined) {
        let originHost: string | undefined;
        try {
          originHost = new URL(origin).host.toLowerCase();
        } catch {
          originHost = undefined;
        }
        if (originHost !== (req.headers.host ?? '').toLowerCase()) return answer(res, problem(403, 'Forbidden', `requests from another origin (${origin}) may not change the simulator`));
      }
      const type = req.headers['content-type'];
      if (type !== undefined && !/^application\/(.+\+)?json\s*(;|$)/i.test(type)) return answer(res, problem(415, 'Unsupported Media Type', `the control plane takes application/json only, got ${type}`));
    }
    next();
  };
}
