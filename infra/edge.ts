/**
 * The edge: one CloudFront distribution (`sst.aws.Router`) in front of the site and the API,
 * with a WAF web ACL and, when the stage has a domain, its ACM certificate and Route 53 alias.
 * Routes are attached in web.ts, once the API and the site exist.
 */
import { DEV_SITE_URL, stage } from "./config.ts";

/** Requests one IP may make in any 5-minute window before WAF blocks it. */
export const RATE_LIMIT_PER_IP = 1000;

export const router = new sst.aws.Router("Router", {
  domain: stage.domain ? { name: stage.domain, dns: sst.aws.dns() } : undefined,
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
