/**
 * The edge: one CloudFront distribution (`sst.aws.Router`) in front of the site and the API,
 * with a WAF web ACL and, when the stage has a domain, its ACM certificate and Route 53 alias.
 * Routes are attached in web.ts, once the API and the site exist.
 *
 * API Gateway also answers on its own `execute-api` URL, which skips CloudFront and the WAF. So
 * the Router's viewer-request function stamps every request with the `EdgeSecret` and the
 * viewer's address, overwriting whatever the client sent in those headers, and the API answers
 * only requests that carry the secret (packages/core/src/edge).
 */
import { EDGE_HEADERS } from "../packages/core/src/contract/index.ts";
import { DEV_SITE_URL, stage } from "./config.ts";

/** Requests one IP may make in any 5-minute window before WAF blocks it. */
export const RATE_LIMIT_PER_IP = 1000;

/** Known only to CloudFront and the API: `sst secret set EdgeSecret "$(openssl rand -hex 32)"`. */
export const edgeSecret = new sst.Secret("EdgeSecret");

/** Header names from the contract, shared with packages/core/src/edge (the API reads them). */
export { EDGE_HEADERS };

export const router = new sst.aws.Router("Router", {
  domain: stage.domain ? { name: stage.domain, dns: sst.aws.dns() } : undefined,
  edge: {
    viewerRequest: {
      // Runs first in the Router's CloudFront Function, for every request.
      injection: $interpolate`event.request.headers[${JSON.stringify(EDGE_HEADERS.secret)}] = { value: ${edgeSecret.value.apply((v) => JSON.stringify(v))} };
  event.request.headers[${JSON.stringify(EDGE_HEADERS.viewer)}] = { value: event.viewer.ip };`,
    },
  },
  // The Next.js server's function URL answers only CloudFront (Origin Access Control, SigV4-signed
  // by the edge); without it the URL is public and skips the WAF. The site sends no request body
  // to its server (no server actions or route handlers; POSTs go to `/api`, the HTTP API), so
  // "oac" suffices without Lambda@Edge signing. The site inherits this through the Router.
  protection: "oac",
  waf: {
    rateLimitPerIp: RATE_LIMIT_PER_IP,
    managedRules: { coreRuleSet: true, knownBadInputs: true, sqlInjection: true },
  },
});

/**
 * The origins the browser uses: the site's own URL, plus the local `next dev` server while
 * `sst dev` runs. The buckets allow CORS for these origins only.
 */
export const siteOrigins = $dev
  ? $resolve([router.url]).apply(([url]) => [url, DEV_SITE_URL])
  : $resolve([router.url]).apply(([url]) => [url]);
