/**
 * The front, the web app behind it, and the API's two doors. The front is the site's one origin, standing in for CloudFront:
 * `/api/*` goes to the API with the edge's stamp and the origin read timeout, the rest to Next.js.
 * The direct API is the API's own address, like `execute-api`: the same API, reached without the
 * edge, so the API refuses what arrives there.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as Edge from "@artai/core/edge";
import { createApiGateway } from "../api-gateway.ts";
import { EDGE_READ_TIMEOUT_MS, enforceOriginReadTimeout } from "../edge.ts";
import type { Ops } from "../ops/index.ts";
import { forward, forwardUpgrade } from "../proxy.ts";
import { startWeb } from "../web.ts";
import type { Log, Stack, StackContext } from "./types.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Gateway = ReturnType<typeof createApiGateway>;
type Web = Awaited<ReturnType<typeof startWeb>>;

const closeServer = (server: Server) => () =>
  new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });

/**
 * Starts the site's own server first, so its origin is known to CORS and the cookie. Until
 * `route` is given it answers 503 with Retry-After, so an early visitor or probe never hangs.
 */
export async function startFront(port: number, host: string) {
  let route: Handler = (_req, res) => {
    res
      .writeHead(503, { "content-type": "application/json", "retry-after": "1" })
      .end(JSON.stringify({ error: { code: "Starting", message: "ArtAI is starting up." } }));
  };
  const server: Server = createServer((req, res) => route(req, res));
  // A port already taken rejects here (EADDRINUSE) instead of crashing the process.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: closeServer(server),
    /** Routes from now on: `/api/*` to the API as CloudFront does, the rest to the web app. */
    open(options: {
      gateway: Gateway;
      edgeSecret: string;
      edgeReadTimeoutMs: number;
      web?: { url: string };
      log: Log;
    }) {
      const { gateway, edgeSecret, web, log } = options;
      route = (req, res) => {
        const path = (req.url ?? "/").split("?")[0] ?? "/";
        // The edge's stamp, as CloudFront's viewer-request function sets it (docs/api.md#the-edge).
        req.headers[Edge.SECRET_HEADER] = edgeSecret;
        req.headers[Edge.VIEWER_HEADER] = req.socket.remoteAddress ?? "unknown";
        if (path === "/api" || path.startsWith("/api/")) {
          enforceOriginReadTimeout(res, options.edgeReadTimeoutMs);
          gateway(req, res).catch((error: unknown) => {
            log("api", String(error));
            if (!res.headersSent) res.writeHead(500).end();
          });
        } else if (web) {
          forward(new URL(web.url), req, res);
        } else {
          res.writeHead(404, { "content-type": "text/plain" }).end("The web app is not running.");
        }
      };
      server.on("upgrade", (req, socket, head) => {
        if (web) forwardUpgrade(new URL(web.url), req, socket as Socket, head);
        else socket.destroy();
      });
    },
  };
}

/** The API's own address, like `execute-api`: the same API, reached without the edge. */
export async function startDirectApi(gateway: Gateway, host: string, log: Log) {
  const direct: Server = createServer((req, res) => {
    gateway(req, res).catch((error: unknown) => {
      log("api", String(error));
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((r) => direct.listen(0, host, r));
  return {
    url: `http://${host}:${(direct.address() as AddressInfo).port}`,
    close: closeServer(direct),
  };
}

/**
 * Next.js behind the front, in `options.web`'s mode (default `dev`; `none` runs the API alone).
 * Presigned links point at the local S3, so the site's CSP must allow exactly that origin.
 */
export async function startSite(
  { options, log, closers }: StackContext,
  storageUrl: string,
): Promise<Web | undefined> {
  const mode = options.web ?? "dev";
  if (mode === "none") return undefined;
  const web = await startWeb({
    mode,
    log: (line) => log("web", line),
    env: { ARTAI_STORAGE_ORIGIN: new URL(storageUrl).origin },
  });
  closers.push(() => web.stop());
  return web;
}

/**
 * The API behind its API Gateway–shaped adapter, at both its doors: the front opens (`/api/*` to
 * the API as CloudFront does, the rest to the web app), then the direct API starts.
 */
export async function openApi(
  { options, host, log, closers }: StackContext,
  front: Awaited<ReturnType<typeof startFront>>,
  input: {
    functions: Stack["functions"];
    ops: Pick<Ops, "onRequest">;
    edgeSecret: string;
    web?: { url: string };
  },
) {
  const gateway = createApiGateway({
    handler: (event) => input.functions.api.invoke(event),
    onRequest: input.ops.onRequest,
  });
  const edgeReadTimeoutMs = options.edgeReadTimeoutMs ?? EDGE_READ_TIMEOUT_MS;
  front.open({ gateway, edgeSecret: input.edgeSecret, edgeReadTimeoutMs, web: input.web, log });
  const direct = await startDirectApi(gateway, host, log);
  closers.push(direct.close);
  return direct;
}
