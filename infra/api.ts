/**
 * The HTTP API (API Gateway v2). One Lambda serves every `/api/*` route; the routes are the
 * contract's `API_ROUTES` (docs/api.md), each declared on its own.
 */
import { API_ROUTES } from "../packages/core/src/contract/index.ts";
import { REQUEST_ALARM_THRESHOLD } from "./config.ts";
import { edgeSecret } from "./edge.ts";
import { dataKey, useKey } from "./kms.ts";
import { model } from "./model.ts";
import { permissionsOf } from "./permissions.ts";
import { deadLetterQueue, queue } from "./queue.ts";
import { jobs, outputs, replicaLinks, uploads } from "./storage.ts";

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
