/**
 * XML bodies (fast-xml-parser): some systems answer errors in XML (True API's 401), take XML documents, or
 * return them as base64. Parsing is bounded: no DOCTYPE entities beyond the library's limits, nesting capped.
 *
 * @example
 * toXml({ UnauthorizedException: { error: 'unauthorized', error_description: 'Full authentication is required' } });
 * parseXml('<a><b>1</b></a>'); // { a: { b: '1' } }
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: false });

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Values stay strings: a code like 0104601234567890 must not become a number.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  maxNestedTags: 64,
  // The limits bound what a DOCTYPE declares (a billion laughs); the five predefined entities (`&amp;` in a code with
  // an ampersand, thousands of them in a document) are not counted.
  // (`appliesTo` is an option of fast-xml-parser 5.12 its type declarations do not list yet.)
  processEntities: { enabled: true, maxEntitySize: 1_000, maxTotalExpansions: 100, maxExpandedLength: 10_000, ...{ appliesTo: 'external' } },
});

/** Serialises an object to XML (attributes as `@_name` keys), with a declaration line when asked. */
export function toXml(value: Record<string, unknown>, opts: { declaration?: boolean } = {}): string {
  const body = builder.build(value) as string;
  return (opts.declaration ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '') + body;
}

export class XmlInvalid extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(`XML is not well-formed${line ? ` at line ${line}${column ? `, column ${column}` : ''}` : ''}: ${message}`);
    this.name = 'XmlInvalid';
  }
}

/** Parses XML text to an object; throws XmlInvalid (with where) when it is not well-formed. */
export function parseXml(text: string): Record<string, unknown> {
  const check = XMLValidator.validate(text);
  if (check !== true) throw new XmlInvalid(check.err.line ?? 0, check.err.col ?? 0, check.err.msg);
  try {
    return parser.parse(text) as Record<string, unknown>;
  } catch (e) {
    // Well-formed but refused by the parser's limits (entities, nesting): still the sender's XML that is wrong.
    throw new XmlInvalid(0, 0, (e as Error).message);
  }
}

export function isWellFormedXml(text: string): boolean {
  return XMLValidator.validate(text) === true;
}
