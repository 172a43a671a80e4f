/**
 * The site: Next.js (packages/web) through OpenNext, behind the Router. `/api/*` goes to
 * the HTTP API, everything else to Next.js.
 */
import { api } from "./api.ts";
import { DEV_SITE_URL } from "./config.ts";
import { router } from "./edge.ts";

/** CloudFront sends `/api` and everything under it to the HTTP API, path unchanged. */
router.route("/api", api.url);

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
