/** Small helpers that shape API Gateway HTTP API (v2) responses the same way everywhere. */
import type { ErrorBody, ErrorCode } from "@artai/core/contract";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export const OWNER_COOKIE = "artai_owner";
const OWNER_COOKIE_MAX_AGE = 365 * 24 * 3600;

export const json = (
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...headers,
  },
  body: JSON.stringify(body),
});

/** The API's `{error:{code,message}}` answer; `code` is one of the contract's `ERROR_CODES`. */
export const error = (
  statusCode: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
) => json(statusCode, { error: { code, message } satisfies ErrorBody }, headers);

export function readCookie(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const cookies = event.cookies ?? event.headers?.cookie?.split(/;\s*/) ?? [];
  for (const cookie of cookies) {
    const eq = cookie.indexOf("=");
    if (eq > 0 && cookie.slice(0, eq).trim() === name) return cookie.slice(eq + 1).trim();
  }
  return undefined;
}

/** The owner cookie: HttpOnly, SameSite=Lax, and Secure whenever the site is served over HTTPS. */
export function ownerCookie(event: APIGatewayProxyEventV2, token: string) {
  const https = (event.headers?.["x-forwarded-proto"] ?? "https") === "https";
  return [
    `${OWNER_COOKIE}=${token}`,
    "Path=/",
    `Max-Age=${OWNER_COOKIE_MAX_AGE}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(https ? ["Secure"] : []),
  ].join("; ");
}

export function readBody(event: APIGatewayProxyEventV2): string {
  if (!event.body) return "";
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
}
