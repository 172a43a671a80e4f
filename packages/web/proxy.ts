/**
 * A strict Content-Security-Policy on every page. Scripts run only from this origin or with the
 * per-request nonce Next.js puts on its own inline scripts; images and uploads may reach only this
 * origin and the object store that serves ArtAI's presigned links (`ARTAI_STORAGE_ORIGIN`, set by
 * infra on AWS and by the local stack offline). Styles allow inline `style` attributes, which the
 * comparison slider and progress bar set from script.
 */
import { type NextRequest, NextResponse } from "next/server";

export function contentSecurityPolicy(nonce: string, storageOrigin: string, dev: boolean) {
  const storage = storageOrigin ? ` ${storageOrigin}` : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' blob: data:${storage}`,
    "font-src 'self'",
    `connect-src 'self'${storage}${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const policy = contentSecurityPolicy(
    nonce,
    process.env.ARTAI_STORAGE_ORIGIN ?? "",
    process.env.NODE_ENV === "development",
  );
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "strict-origin-when-cross-origin");
  return response;
}

export const config = {
  // Pages only: static assets and prefetches carry no policy of their own.
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
