/**
 * The HTTP API (docs/api.md), behind API Gateway's HTTP API in AWS and the local stack's adapter
 * offline. Routing, cookies and status codes live here; what each route does lives in core.
 */
import * as Api from "@artai/core/api";
import * as Breaker from "@artai/core/breaker";
import { MAX_WAIT_SECONDS } from "@artai/core/contract";
import * as Edge from "@artai/core/edge";
import { AppError, RateLimited } from "@artai/core/errors";
import * as Limit from "@artai/core/limit";
import { log } from "@artai/core/log";
import * as Metrics from "@artai/core/metrics";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { error, json, OWNER_COOKIE, ownerCookie, readBody, readCookie } from "./http.ts";
import { statusRoute } from "./status.ts";

/** Bodies are a few fields of JSON; anything bigger is refused before it is parsed. */
const MAX_BODY_BYTES = 16 * 1024;
const JOB_PATH = /^\/api\/jobs\/([^/]+)$/;

type Result = APIGatewayProxyStructuredResultV2;

export const handler = async (event: APIGatewayProxyEventV2): Promise<Result> => {
  const method = event.requestContext.http.method;
  const path = event.rawPath;
  try {
    // Only requests that came through CloudFront (and its WAF) are served; it names the viewer.
    const { client } = Edge.admit(event.headers, event.requestContext.http.sourceIp);
    await rateLimit(client, method === "POST" && path === "/api/jobs" ? "create" : "read");
    return await route(event, method, path);
  } catch (err) {
    if (err instanceof RateLimited) {
      return error(429, err.code, err.message, { "retry-after": String(err.retryAfterSeconds) });
    }
    if (err instanceof AppError) return error(err.status, err.code, err.message);
    const jobId = JOB_PATH.exec(path)?.[1];
    log.error("unhandled API error", {
      method,
      path,
      ...(jobId ? { jobId } : {}),
      error: err as Error,
    });
    return error(500, "InternalError", "Something went wrong on our side. Please try again.");
  }
};

async function route(event: APIGatewayProxyEventV2, method: string, path: string): Promise<Result> {
  if (path === "/api/status") return method === "GET" ? statusRoute(event) : notAllowed("GET");
  if (path === "/api/health" && method === "GET") {
    const health = await Api.health();
    return json(health.ok ? 200 : 503, health);
  }
  if (path === "/api/styles") {
    // The same for everyone and changes only with a deployment.
    if (method === "GET")
      return json(200, Api.listStyles(), { "cache-control": "public, max-age=300" });
    return notAllowed("GET");
  }
  if (path === "/api/jobs") {
    if (method === "POST") return createJob(event);
    if (method === "GET") {
      const ownerId = owner(event);
      return json(200, { jobs: ownerId ? await Api.listJobs(ownerId) : [] });
    }
    return notAllowed("GET, POST");
  }
  const match = JOB_PATH.exec(path);
  if (match?.[1]) {
    const id = match[1];
    const ownerId = owner(event);
    if (method === "GET") {
      if (!ownerId) return notFound();
      const wait = Number(event.queryStringParameters?.wait ?? "0");
      if (!Number.isFinite(wait) || wait < 0) {
        return error(
          400,
          "InvalidRequest",
          `wait must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}.`,
        );
      }
      return json(200, await Api.getJob(ownerId, id, wait));
    }
    if (method === "DELETE") {
      if (!ownerId) return notFound();
      await Api.deleteJob(ownerId, id);
      return { statusCode: 204, headers: { "cache-control": "no-store" } };
    }
    return notAllowed("GET, DELETE");
  }
  return error(404, "NotFound", `No route for ${method} ${path}.`);
}

async function createJob(event: APIGatewayProxyEventV2): Promise<Result> {
  // The spend breaker pauses new jobs only; every read keeps working.
  await Breaker.assertAccepting();
  const raw = readBody(event);
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    return error(400, "PayloadTooLarge", "The request body is larger than 16 KiB.");
  }
  const contentType = event.headers?.["content-type"] ?? "";
  if (!contentType.startsWith("application/json")) {
    return error(415, "InvalidRequest", "Send the request body as application/json.");
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return error(400, "InvalidRequest", "The request body is not valid JSON.");
  }
  const input = Api.parseCreate(body);
  let token = readCookie(event, OWNER_COOKIE);
  const cookies: string[] = [];
  if (!token || !Api.isOwnerToken(token)) {
    token = Api.newOwnerToken();
    cookies.push(ownerCookie(event, token));
  }
  const ownerId = Api.ownerIdFromToken(token);
  // A new owner has no open jobs yet, so only a returning one is counted.
  if (cookies.length === 0) await Limit.checkOpenJobs(ownerId);
  const created = await Api.createJob(ownerId, input);
  log.info("job created", { jobId: created.job.id });
  Metrics.jobCreated();
  return { ...json(201, created), cookies };
}

/** Spends a token for the caller's address; a limiter that cannot be reached lets requests through. */
async function rateLimit(client: string, action: Limit.Action) {
  try {
    await Limit.take(client, action);
  } catch (err) {
    if (err instanceof RateLimited) throw err;
    log.warn("rate limiter unavailable; request let through", { error: err as Error });
  }
}

function owner(event: APIGatewayProxyEventV2): string | undefined {
  const token = readCookie(event, OWNER_COOKIE);
  return token && Api.isOwnerToken(token) ? Api.ownerIdFromToken(token) : undefined;
}

const notFound = () => error(404, "NotFound", "No such job.");
const notAllowed = (allow: string) =>
  error(405, "MethodNotAllowed", `Use ${allow} on this path.`, { allow });
