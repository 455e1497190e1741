/**
 * The journal as HAR 1.2 (GET /__sim/journal?format=har): what a browser's network panel opens, and what `har-to-k6`
 * turns into a load script. Each exchange is an entry: the request as the client sent it (method, URL on the host the
 * export was asked on, Authorization hidden unless SIM_JOURNAL_SECRETS=show, query, body), the answer (status, media
 * type, body as the journal keeps it — a large body is a preview, said in a comment) and its time. `startedDateTime`
 * is the exchange's virtual time; a fault that shaped the answer is the entry's comment.
 *
 * @example
 * journalAsHar(entries, { origin: 'http://localhost:8080', prefix: '', bases: { mcoi: '/mcoi' }, version: '0.1.0' });
 */
import { STATUS_CODES } from 'node:http';
import type { Exchange } from '../core/journal.js';

interface NameValue {
  name: string;
  value: string;
}

const text = (body: unknown): string | undefined => (body === undefined || body === null ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
const clipped = (body: unknown) => !!body && typeof body === 'object' && '_clipped' in (body as object);

function queryString(query: Record<string, unknown>): NameValue[] {
  return Object.entries(query).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((x) => ({ name, value: String(x) })));
}

export function journalAsHar(entries: Exchange[], o: { origin: string; prefix: string; bases: Record<string, string>; version: string }) {
  return {
    log: {
      version: '1.2',
      creator: { name: 'marking-systems simulator', version: o.version },
      entries: entries.map((e) => {
        const qs = queryString(e.query ?? {});
        const search = qs.length ? `?${new URLSearchParams(qs.map((q) => [q.name, q.value])).toString()}` : '';
        // A push the simulator sent names its full URL; the control plane its full path (a world's prefix included); a
        // system, the path below its base.
        const url = e.direction === 'outbound' ? e.path : e.system === 'control' ? `${o.origin}${e.path}${search}` : `${o.origin}${o.prefix}${o.bases[e.system] ?? `/${e.system}`}${e.path}${search}`;
        const requestText = text(e.requestBody);
        const responseText = text(e.responseBody);
        const headers: NameValue[] = [];
        if (e.authorization) headers.push({ name: 'Authorization', value: e.authorization });
        if (requestText !== undefined) headers.push({ name: 'Content-Type', value: typeof e.requestBody === 'string' ? 'text/plain' : 'application/json' });
        const notes = [e.fault ? `scenario fault /faults/${e.fault.rule}: ${e.fault.action}${e.fault.description ? ` (${e.fault.description})` : ''}` : '', e.outcome !== 'answered' ? `the exchange was ${e.outcome}` : '', clipped(e.requestBody) || clipped(e.responseBody) ? 'a large body is shown as the journal keeps it (a preview)' : '', e.operationId ? `operation ${e.system} ${e.operationId}` : ''].filter(Boolean);
        return {
          startedDateTime: e.at,
          time: e.durationMs,
          request: {
            method: e.method,
            url,
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers,
            queryString: qs,
            ...(requestText !== undefined ? { postData: { mimeType: headers.find((h) => h.name === 'Content-Type')!.value, text: requestText } } : {}),
            headersSize: -1,
            bodySize: requestText === undefined ? 0 : Buffer.byteLength(requestText),
          },
          response: {
            status: e.status,
            statusText: STATUS_CODES[e.status] ?? '',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: e.contentType ? [{ name: 'Content-Type', value: e.contentType }] : [],
            content: { size: responseText === undefined ? 0 : Buffer.byteLength(responseText), mimeType: e.contentType ?? 'x-unknown', ...(responseText !== undefined ? { text: responseText } : {}) },
            redirectURL: '',
            headersSize: -1,
            bodySize: -1,
          },
          cache: {},
          timings: { send: 0, wait: e.durationMs, receive: 0 },
          ...(notes.length ? { comment: notes.join('; ') } : {}),
        };
      }),
    },
  };
}
