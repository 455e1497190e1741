/**
 * ZIP archives (fflate): results some systems answer as a file (True API's code lists). Deterministic: the same
 * entries and modification time give the same bytes, so a scenario can pin a ZIP's SHA-256.
 *
 * @example
 * const bytes = zipFiles([{ name: 'codes.json', data: JSON.stringify(list) }], { mtimeMs: clock.nowMs() });
 */
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  name: string;
  data: Uint8Array | string;
}

/** ZIP's timestamps start in 1980 (DOS time); earlier instants are clamped. */
const DOS_EPOCH_MS = Date.UTC(1980, 0, 1, 0, 0, 2);

export function zipFiles(entries: ZipEntry[], o: { mtimeMs: number; level?: 0 | 6 | 9 }): Buffer {
  const mtime = new Date(Math.max(o.mtimeMs, DOS_EPOCH_MS));
  const files: Zippable = {};
  for (const e of entries) {
    if (e.name in files) throw new Error(`zip entry ${e.name} given twice`);
    files[e.name] = [typeof e.data === 'string' ? strToU8(e.data) : e.data, { mtime, level: o.level ?? 6 }];
  }
  return Buffer.from(zipSync(files));
}

/** The entries of a ZIP (tests and the contract check); bounded by fflate's own limits on malformed input. */
export function unzipFiles(bytes: Uint8Array): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(unzipSync(bytes)).map(([k, v]) => [k, Buffer.from(v)]));
}
