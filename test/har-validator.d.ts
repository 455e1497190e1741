/** har-validator (JSON Schemas of HAR 1.2) ships no types: the promise API the tests use. */
declare module 'har-validator' {
  /** Resolves with the HAR when it is valid; rejects with the schema errors when not. */
  export function har<T>(data: T): Promise<T>;
  const validator: { har: typeof har };
  export default validator;
}
