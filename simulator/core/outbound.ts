/**
 * Requests the simulator sends by itself (SetMark's pushes to the ERP), and where it may send them. A control route,
 * a scenario or a setting that names a host the operator did not allow is refused at once, and nothing is sent to it;
 * an answer is read only up to a small bound (what the journal keeps of it is shorter still).
 *
 * The hosts: SIM_OUTBOUND_HOSTS (comma-separated names or addresses, or `*` for any); by default this machine's
 * loopback names and the names of SIM_ALLOWED_HOSTS (the names the simulator answers to: in a compose network, its
 * neighbours' service names are listed there too).
 *
 * @example
 * const policy = outboundPolicy(['localhost', 'erp']);
 * policy.refusal('http://169.254.169.254/latest'); // 'host 169.254.169.254 is not allowed ...'
 */

/** This machine's loopback, always allowed unless the operator lists hosts without it. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** How much of an answer is read (bytes); the rest is not read at all. */
export const MAX_ANSWER_BYTES = 64 * 1024;

export interface OutboundPolicy {
  /** Why a URL may not be sent to (not http(s), a host not allowed), or undefined when it may. */
  refusal(url: string): string | undefined;
  readonly hosts: '*' | readonly string[];
}

/** The host of a URL as the policy compares it: lower case, without brackets or port. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

export function outboundPolicy(hosts: '*' | readonly string[]): OutboundPolicy {
  const allowed = hosts === '*' ? '*' : new Set(hosts.map((h) => h.toLowerCase()));
  return {
    hosts,
    refusal(raw) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return `${JSON.stringify(raw)} is not a URL`;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URLs are not sent to (http or https only)`;
      if (url.username || url.password) return 'URLs with credentials are not sent to';
      if (allowed === '*' || allowed.has(hostOf(url))) return undefined;
      return `host ${hostOf(url)} is not one the simulator may send to: allow it in SIM_OUTBOUND_HOSTS (now ${[...allowed].join(', ') || 'none'}; * for any)`;
    },
  };
}

/** The default: loopback and the names the simulator answers to (never `*`, even when those are any). */
export function defaultOutboundHosts(allowedHosts: '*' | readonly string[]): string[] {
  return [...new Set([...LOOPBACK_HOSTS, ...(allowedHosts === '*' ? [] : allowedHosts)])];
}

export interface Answer {
  /** The status answered, or 0 when none came (refused, unreachable, timed out, not allowed). */
  status: number;
  error?: string;
  /** At most MAX_ANSWER_BYTES of the body, as text. */
  responseBody?: string;
}

/** POSTs JSON to an allowed URL and reads at most MAX_ANSWER_BYTES of the answer; never throws. */
export async function postJson(policy: OutboundPolicy, url: string, body: unknown, timeoutMs: number): Promise<Answer> {
  const refused = policy.refusal(url);
  if (refused) return { status: 0, error: refused };
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body?.getReader();
    if (reader) {
      while (size < MAX_ANSWER_BYTES) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        size += value.length;
      }
      await reader.cancel().catch(() => undefined);
    }
    const text = Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
    return { status: res.status, responseBody: size > MAX_ANSWER_BYTES ? `${text}…` : text };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { status: 0, error: err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.message) };
  }
}
