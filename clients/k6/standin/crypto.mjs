// The stand-in's `k6/crypto`: the hashes the scripts use.
import { createHash } from 'node:crypto';

const bytes = (data) => (data instanceof ArrayBuffer ? Buffer.from(data) : data);
export const sha256 = (data, encoding) => createHash('sha256').update(bytes(data)).digest(encoding);
export default { sha256 };
