/**
 * CloudFront's origin response timeout for the local front's `/api/*` route. CloudFront waits this
 * long for the origin's response after forwarding a request; past it, the viewer gets 504
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesOrigin.html#DownloadDistValuesOriginResponseTimeout,
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/troubleshooting-response-errors.html, "HTTP 504 status code").
 * The front applies the same timeout that infra gives the route (the contract's
 * EDGE_READ_TIMEOUT_SECONDS), so a request the API holds too long fails here as it would on AWS.
 */
import type { ServerResponse } from "node:http";
import { EDGE_READ_TIMEOUT_SECONDS } from "@artai/core/contract";

/** The route's origin read timeout in production, in milliseconds. */
export const EDGE_READ_TIMEOUT_MS = EDGE_READ_TIMEOUT_SECONDS * 1000;

/**
 * Answers 504 on `res` if the origin has not started its response within `timeoutMs`. CloudFront's
 * own 504 page is HTML; this answers in ArtAI's error shape, which the site's client reads. Once
 * the edge has answered, whatever the origin writes later is dropped (see `originMayWrite`).
 */
export function enforceOriginReadTimeout(res: ServerResponse, timeoutMs: number): void {
  const timer = setTimeout(() => {
    if (res.headersSent) return;
    timedOut.add(res);
    const seconds = Math.round(timeoutMs / 100) / 10;
    res.writeHead(504, { "content-type": "application/json", connection: "close" });
    res.end(
      JSON.stringify({
        error: {
          code: "GatewayTimeout",
          message: `The API did not answer within the edge's ${seconds} s origin read timeout.`,
        },
      }),
    );
  }, timeoutMs);
  res.once("close", () => clearTimeout(timer));
  res.once("finish", () => clearTimeout(timer));
}

const timedOut = new WeakSet<ServerResponse>();

/** False once the edge answered for the origin (its read timeout passed): drop the late answer. */
export const originMayWrite = (res: ServerResponse) => !timedOut.has(res) && !res.headersSent;
