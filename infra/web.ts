/**
 * The site: Next.js (packages/web) through OpenNext, behind the Router. `/api/*` goes to
 * the HTTP API, everything else to Next.js.
 */
import { api } from "./api.ts";
import { router } from "./edge.ts";

/** CloudFront sends `/api` and everything under it to the HTTP API, path unchanged. */
router.route("/api", api.url);

export const web = new sst.aws.Nextjs("Web", {
  path: "packages/web",
  router: { instance: router },
});
