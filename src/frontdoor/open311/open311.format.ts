/**
 * GeoReport v2's two formats. The same answer is written as JSON (a top-level array, or an object
 * for discovery and a service definition) or as XML with the specification's element names: a root
 * element, one child per list item, and nested lists named as the specification names them
 * (`<attributes><attribute>`, `<values><value>`, `<endpoints><endpoint>`, `<formats><format>`).
 * Pure: no database, no clock.
 */
import { XMLBuilder } from 'fast-xml-parser';

export type Open311Format = 'json' | 'xml';

export const CONTENT_TYPES: Readonly<Record<Open311Format, string>> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** The element name of each item of a list, by the list's name. */
export const XML_LIST_ITEMS: Readonly<Record<string, string>> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
  service_requests: 'request',
  service_request_updates: 'request_update',
  service_requests_updates: 'request_update',
  errors: 'error',
};

export class UnknownFormatError extends Error {}

/**
 * Splits the last part of a path, such as `requests.json` or `EXE-2026-000001.xml`, into the
 * resource and its format. Anything but `.json` and `.xml` is refused: the specification asks for
 * the format on every path.
 */
export function splitFormat(file: string): { name: string; format: Open311Format } {
  const match = /^(.+)\.(json|xml)$/i.exec(file);
  if (!match) throw new UnknownFormatError(`Add .xml or .json to the path to say which format you want.`);
  return { name: match[1]!, format: match[2]!.toLowerCase() as Open311Format };
}

const builder = new XMLBuilder({
  ignoreAttributes: true,
  format: true,
  indentBy: '  ',
  suppressEmptyNode: false,
});

/** Rewrites arrays as the specification's nested elements: `{values: [a, b]}` → `{values: {value: [a, b]}}`. */
function xmlShape(value: unknown, name: string): unknown {
  if (Array.isArray(value)) {
    const item = XML_LIST_ITEMS[name];
    if (!item) throw new Error(`no XML element name for the items of ${name}`);
    return { [item]: value.map((v) => xmlShape(v, item)) };
  }
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, xmlShape(v, k)]));
  }
  return String(value);
}

/** The answer as XML under `root`: a list becomes one child element per item. */
export function toXml(root: string, body: unknown): string {
  const tree = { [root]: xmlShape(body, root) };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(tree) as string}`;
}

/** The answer in the format asked for: JSON as it is, XML under `root`. */
export function render(format: Open311Format, root: string, body: unknown): string {
  return format === 'json' ? JSON.stringify(body) : toXml(root, body);
}

/** A W3C date-time in UTC, to the second, as the specification's examples write it. */
export function w3cDateTime(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const W3C_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads a W3C date-time with its time zone; undefined when it is not one. */
export function parseW3cDateTime(text: string): Date | undefined {
  if (!W3C_DATE_TIME.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
