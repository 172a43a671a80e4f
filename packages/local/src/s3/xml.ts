import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { malformedXml } from "./errors.ts";

export const S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  suppressEmptyNode: false,
});

/** Serialises `{ Root: {...} }` as an S3 XML document with the S3 namespace on the root. */
export function toXml(root: string, body: Record<string, unknown>, namespaced = true): string {
  const content = namespaced ? { "@_xmlns": S3_NAMESPACE, ...body } : body;
  return builder.build({
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    [root]: content,
  }) as string;
}

const REPEATED = new Set([
  "Part",
  "Object",
  "CORSRule",
  "AllowedOrigin",
  "AllowedMethod",
  "AllowedHeader",
  "ExposeHeader",
]);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  // Keys may start or end with spaces; they must reach the store untouched.
  trimValues: false,
  isArray: (name) => REPEATED.has(name),
});

/** Parses a request body, throwing S3's MalformedXML if it is not XML with the expected root. */
export function parseXml(body: Buffer, root: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(body.toString("utf8"), true) as Record<string, unknown>;
  } catch {
    throw malformedXml();
  }
  const node = doc[root];
  if (node === undefined || node === null) throw malformedXml();
  return typeof node === "object" ? (node as Record<string, unknown>) : {};
}

/** The trimmed text of a child element, or undefined. */
export function text(node: Record<string, unknown>, name: string): string | undefined {
  const value = node[name];
  return typeof value === "string" ? value.trim() : undefined;
}
