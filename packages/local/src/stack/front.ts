/**
 * The front and the direct API. The front is the site's one origin, standing in for CloudFront:
 * `/api/*` goes to the API with the edge's stamp and the origin read timeout, the rest to Next.js.
 * The direct API is the API's own address, like `execute-api`: the same API, reached without the
 * edge, so the API refuses what arrives there.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import * as Edge from "@artai/core/edge";
import type { createApiGateway } from "../api-gateway.ts";
import { enforceOriginReadTimeout } from "../edge.ts";
import { forward, forwardUpgrade } from "../proxy.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Gateway = ReturnType<typeof createApiGateway>;
type Log = (component: string, line: string) => void;

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
