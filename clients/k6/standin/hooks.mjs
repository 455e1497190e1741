// Module hooks of the stand-in: `k6`, `k6/http` and `k6/crypto` resolve to the stand-in's modules.
const HERE = new URL('./', import.meta.url);
const MODULES = { k6: 'k6.mjs', 'k6/http': 'http.mjs', 'k6/crypto': 'crypto.mjs' };

export async function resolve(specifier, context, next) {
  if (Object.hasOwn(MODULES, specifier)) return { url: new URL(MODULES[specifier], HERE).href, shortCircuit: true };
  if (specifier.startsWith('k6/')) throw new Error(`the k6 stand-in has no module ${specifier} (it has ${Object.keys(MODULES).join(', ')})`);
  return next(specifier, context);
}
