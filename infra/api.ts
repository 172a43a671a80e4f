/**
 * The HTTP API (API Gateway v2). One Lambda serves every `/api/*` route; the routes are
 * declared one by one so the API's surface is visible here, and `ANY /api/{proxy+}` sends
 * everything else to the same handler so unknown paths get ArtAI's JSON 404.
 */
import { REQUEST_ALARM_THRESHOLD } from "./config.ts";
import { edgeSecret } from "./edge.ts";
import { dataKey, useKey } from "./kms.ts";
import { model } from "./model.ts";
import { permissionsOf } from "./permissions.ts";
import { deadLetterQueue, queue } from "./queue.ts";
import { jobs, outputs, replicaLinks, uploads } from "./storage.ts";

/** The routes of docs/api.md, in API Gateway's `METHOD /path` form. */
export const API_ROUTES = [
  "GET /api/health",
  "GET /api/styles",
  "POST /api/jobs",
  "GET /api/jobs",
  "GET /api/jobs/{id}",
  "DELETE /api/jobs/{id}",
  "GET /api/status",
  "ANY /api/{proxy+}",
] as const;

/** The operator token that unlocks `/api/status` (and the status page). */
export const statusToken = new sst.Secret("StatusToken");

/**
 * Account-wide ceiling for the API, behind WAF's per-IP limit. It also covers the API's own
 * `execute-api` URL, which does not pass through CloudFront (the API refuses what arrives there
 * without the edge's secret, but API Gateway still counts and invokes it).
 */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;

export const api = new sst.aws.ApiGatewayV2("Api", {
  accessLog: { retention: "1 month" },
  transform: {
    stage: (args) => {
      args.defaultRouteSettings = {
        throttlingRateLimit: API_THROTTLE.rateLimit,
        throttlingBurstLimit: API_THROTTLE.burstLimit,
      };
    },
  },
});

/**
 * The API handler: jobs, presigned uploads and downloads, the breaker flag in the Jobs
 * table, and the status page's queue depths and CloudWatch metrics.
 */
export const apiHandler = new sst.aws.Function("ApiHandler", {
  handler: "packages/functions/src/api.handler",
  description: "ArtAI HTTP API",
  runtime: "nodejs22.x",
  architecture: "arm64",
  memory: "512 MB",
  timeout: "29 seconds",
  // Model: its endpoint name, for the status page's model metrics. The replicas: deleting a job
  // purges its images there too (deletes of a version do not replicate).
  link: [
    jobs,
    uploads,
    outputs,
    ...replicaLinks,
    queue,
    deadLetterQueue,
    statusToken,
    model,
    edgeSecret,
  ],
  // The status page draws the alarm's threshold; keep it the one the alarm uses.
  environment: { ARTAI_ALARM_THRESHOLD: String(REQUEST_ALARM_THRESHOLD) },
  // Exactly the api's rows of the permissions table (links grant nothing, see iam.ts).
  permissions: [useKey(dataKey), ...permissionsOf("api")],
});

export const apiRoutes = API_ROUTES.map((route) => api.route(route, apiHandler.arn));
