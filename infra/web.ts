/**
 * The site: Next.js (packages/web) through OpenNext, behind the Router. `/api/*` goes to
 * the HTTP API, everything else to Next.js.
 */
import { EDGE_READ_TIMEOUT_SECONDS } from "../packages/core/src/contract/index.ts";
import { api } from "./api.ts";
import { DEV_SITE_URL } from "./config.ts";
import { router } from "./edge.ts";

/**
 * CloudFront sends `/api` and everything under it to the HTTP API, path unchanged. SST's Router
 * gives a route's origin a 20 s read timeout unless told otherwise, which would cut the long poll
 * (`GET /api/jobs/{id}?wait=25`) short with a 504; the contract's EDGE_READ_TIMEOUT_SECONDS is the
 * longest wait plus 5 s (docs/infra.md explains how it fits API Gateway and the API Lambda).
 */
router.route("/api", api.url, { readTimeout: `${EDGE_READ_TIMEOUT_SECONDS} seconds` as const });

export const web = new sst.aws.Nextjs("Web", {
  path: "packages/web",
  router: { instance: router },
  // Under `sst dev` the site runs as `next dev` on the laptop, outside CloudFront; it gets
  // the Router's URL so that `/api/*` can be proxied to the API through CloudFront (a rewrite in
  // packages/web).
  environment: {
    // Presigned image and upload links are path-style S3 URLs; the site's Content-Security-Policy
    // allows exactly that origin (packages/web/proxy.ts).
    ARTAI_STORAGE_ORIGIN: $interpolate`https://s3.${aws.getRegionOutput().name}.amazonaws.com`,
    // Through the Router, not the API's own URL: the API only answers requests the edge stamped.
    ...($dev ? { ARTAI_API_URL: router.url } : {}),
  },
  dev: { command: "pnpm run dev", url: DEV_SITE_URL, title: "Web" },
});
