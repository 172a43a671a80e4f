/**
 * An adapter shaped like API Gateway's HTTP API (payload format 2.0): it turns a Node request into
 * the event Lambda would receive, invokes the handler (the stack passes the API function's
 * thread, src/lambda/), and writes its structured result
 * back, cookies included. Like API Gateway it refuses bodies over 10 MB and gives up after 30 s.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { originMayWrite } from "./edge.ts";

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 30_000;
const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/;

export interface ApiGatewayOptions {
  handler: ApiHandler;
  /** Called once per request that reaches the API, as API Gateway's `Count` metric counts them. */
  onRequest?: (info: { method: string; path: string }) => void;
}

function errorBody(res: ServerResponse, status: number, code: string, message: string) {
  if (!originMayWrite(res)) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { code, message } }));
}

export function createApiGateway(options: ApiGatewayOptions) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    options.onRequest?.({ method, path: url.pathname });

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_PAYLOAD_BYTES) {
        errorBody(res, 413, "PayloadTooLarge", "The request body is larger than 10 MB.");
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === "cookie") continue;
      headers[name] = Array.isArray(value) ? value.join(",") : value;
    }
    headers["x-forwarded-proto"] ??= "http";
    const contentType = headers["content-type"] ?? "";
    const isText = raw.length === 0 || TEXT_TYPES.test(contentType);
    const cookies = req.headers.cookie?.split(/;\s*/).filter(Boolean);
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = query[k] ? `${query[k]},${v}` : v;
    // As API Gateway does: the address of the connection, whatever X-Forwarded-For claims.
    const sourceIp = req.socket.remoteAddress ?? "127.0.0.1";
    const now = new Date();

    const event: APIGatewayProxyEventV2 = {
      version: "2.0",
      routeKey: "$default",
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(cookies?.length ? { cookies } : {}),
      headers,
      ...(url.search ? { queryStringParameters: query } : {}),
      requestContext: {
        accountId: "000000000000",
        apiId: "local",
        domainName: headers.host ?? "localhost",
        domainPrefix: (headers.host ?? "localhost").split(".")[0] ?? "localhost",
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp,
          userAgent: headers["user-agent"] ?? "",
        },
        requestId: randomUUID(),
        routeKey: "$default",
        stage: "$default",
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(raw.length ? { body: isText ? raw.toString("utf8") : raw.toString("base64") } : {}),
      isBase64Encoded: !isText,
    };

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), INTEGRATION_TIMEOUT_MS);
    });
    try {
      const result = await Promise.race([options.handler(event), timeout]);
      if (result === "timeout") {
        errorBody(res, 503, "ServiceUnavailable", "The API did not answer within 30 s.");
        return;
      }
      // The edge in front (the local front's read timeout) may have answered already.
      if (!originMayWrite(res)) return;
      const responseHeaders: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) responseHeaders[k] = String(v);
      if (result.cookies?.length) responseHeaders["set-cookie"] = result.cookies;
      res.writeHead(result.statusCode ?? 200, responseHeaders);
      const body = result.body ?? "";
      res.end(result.isBase64Encoded ? Buffer.from(body, "base64") : body);
    } catch (error) {
      console.error("[api] handler threw", error);
      errorBody(res, 500, "InternalServerError", "Internal Server Error");
    } finally {
      clearTimeout(timer);
    }
  };
}
