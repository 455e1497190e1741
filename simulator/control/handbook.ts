/** Errors of the control plane (simulator-defined; rendered as application/problem+json). */
import type { Handbook } from '../core/errors.js';

export const CONTROL_HANDBOOK = {
  CLOCK_SET_INVALID: { status: 400, text: (v: string) => `"set" must be an ISO 8601 date-time, got ${JSON.stringify(v)}`, source: 'simulator-defined' },
  UNKNOWN_SYSTEM: { status: 404, text: (id: string) => `no system "${id}" is mounted`, source: 'simulator-defined' },
  UNKNOWN_CONTRACT: { status: 404, text: (f: string) => `no contract "${f}" (try mcoi.json, mcoi.yaml, control.yaml)`, source: 'simulator-defined' },
  UNKNOWN_CODE: { status: 404, text: (c: string) => `no marking code ${JSON.stringify(c)} was ever issued in this world`, source: 'simulator-defined' },
  UNKNOWN_TOKEN: { status: 404, text: (t: string) => `no token ${JSON.stringify(t)} was issued in this world`, source: 'simulator-defined' },
  UNKNOWN_SCENARIO: { status: 404, text: (n: string) => `no scenario named ${JSON.stringify(n)} under scenarios/ (GET /__sim/scenarios lists them)`, source: 'simulator-defined' },
  UNKNOWN_USER: { status: 404, text: (u: string) => `no user ${JSON.stringify(u)} in this world`, source: 'simulator-defined' },
} as const satisfies Handbook;
