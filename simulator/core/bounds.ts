/**
 * Bounds on what clients send, checked before anything recursive touches it (validation, serialisation, storage):
 * how deep a JSON value nests, and a preview of any value that never recurses and never grows past its budget.
 *
 * @example
 * if (tooDeep(body)) throw new RequestInvalid([...]);   // deeper than MAX_DEPTH
 * preview(anything, 4096);                              // a JSON-ish string of at most ~4096 characters, never throws
 */

/** How deep a request's JSON may nest (the documents' deepest bodies need fewer than ten levels). */
export const MAX_DEPTH = 64;

/** True when a value nests deeper than `limit` (arrays and objects), checked without recursion. */
export function tooDeep(value: unknown, limit = MAX_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * A compact JSON rendering of any value, cut at `maxChars` (with "…"), without recursion and without ever throwing
 * (cycles, BigInt, Buffers and functions are shown, not serialised). For journals and logs of what clients sent.
 */
export function preview(value: unknown, maxChars: number): string {
  let out = '';
  const seen = new Set<object>();
  // A work list of tokens to emit: values to render, or literal text.
  const work: ({ text: string } | { value: unknown })[] = [{ value }];
  while (work.length && out.length <= maxChars) {
    const item = work.pop()!;
    if ('text' in item) {
      out += item.text;
      continue;
    }
    const v = item.value;
    if (v === null || typeof v === 'number' || typeof v === 'boolean') out += String(v);
    else if (typeof v === 'string') out += JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v);
    else if (typeof v === 'bigint') out += `${v}n`;
    else if (v === undefined || typeof v === 'function' || typeof v === 'symbol') out += 'null';
    else if (Buffer.isBuffer(v) || v instanceof Uint8Array) out += `"<${v.byteLength} bytes>"`;
    else if (seen.has(v as object)) out += '"<cycle>"';
    else {
      seen.add(v as object);
      const array = Array.isArray(v);
      const entries = array ? (v as unknown[]).map((x) => [undefined, x] as const) : Object.entries(v as object);
      const tokens: ({ text: string } | { value: unknown })[] = [{ text: array ? '[' : '{' }];
      entries.forEach(([k, x], i) => {
        if (i) tokens.push({ text: ',' });
        if (k !== undefined) tokens.push({ text: `${JSON.stringify(k)}:` });
        tokens.push({ value: x });
      });
      tokens.push({ text: array ? ']' : '}' });
      for (let i = tokens.length - 1; i >= 0; i--) work.push(tokens[i]);
    }
  }
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out;
}

/**
 * The longest string a request may carry where its contract states no maximum (the documents give few: MCOI's
 * seriesNumber, 20). Longer than any code, name or reason the systems exchange; a whole text body or a field the
 * contract declares long (a base64 report) has its own bound.
 */
export const MAX_STRING = 1000;
