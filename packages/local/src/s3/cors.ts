import type { CorsRule } from "./store-types.ts";

const DEFAULT_EXPOSED = ["ETag", "x-amz-version-id"];

function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const star = p.indexOf("*");
  if (star === -1) return p === v;
  // S3 allows one "*" per AllowedOrigin/AllowedHeader.
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/** The first rule that allows this origin, method and (preflight) request headers. */
export function matchCors(
  rules: CorsRule[] | undefined,
  origin: string,
  method: string,
  requestHeaders: string[] = [],
): CorsRule | undefined {
  return (rules ?? []).find(
    (rule) =>
      rule.allowedOrigins.some((o) => wildcardMatch(o, origin, false)) &&
      rule.allowedMethods.some((m) => m.toUpperCase() === method.toUpperCase()) &&
      requestHeaders.every((h) =>
        (rule.allowedHeaders ?? []).some((allowed) => wildcardMatch(allowed, h, true)),
      ),
  );
}

/** Response headers for an actual (non-preflight) request from an allowed origin. */
export function corsResponseHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const headers: Record<string, string> = {
    "Access-Control-Allow-Origin": rule.allowedOrigins.includes("*") ? "*" : origin,
    "Access-Control-Allow-Methods": rule.allowedMethods.join(", "),
    "Access-Control-Expose-Headers": (rule.exposeHeaders ?? DEFAULT_EXPOSED).join(", "),
    Vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
  };
  if (rule.maxAgeSeconds !== undefined)
    headers["Access-Control-Max-Age"] = String(rule.maxAgeSeconds);
  return headers;
}

/** Response headers for a successful preflight. */
export function preflightHeaders(
  rule: CorsRule,
  origin: string,
  requestHeaders: string[],
): Record<string, string> {
  const headers = corsResponseHeaders(rule, origin);
  if (requestHeaders.length > 0)
    headers["Access-Control-Allow-Headers"] = requestHeaders.join(", ");
  return headers;
}

export function parseRequestHeaders(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}
