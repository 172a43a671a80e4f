/**
 * A recording pass-through in front of the model container. The local stack's SageMaker front is
 * pointed at it (the stack's `modelUrl` option), so the bench can read the `timings` each
 * invocation reports (decode, model, encode) without touching the application code.
 */
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface Invocation {
  start: number;
  end: number;
  status: number;
  variations: number;
  timings?: { decodeMs: number; modelMs: number; encodeMs: number; totalMs: number };
}

export async function startModelProxy(modelUrl: string) {
  const target = new URL(modelUrl);
  const invocations: Invocation[] = [];
  const server = createServer(async (req, res) => {
    const start = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      async (answer) => {
        const parts: Buffer[] = [];
        for await (const chunk of answer) parts.push(chunk as Buffer);
        const payload = Buffer.concat(parts);
        const end = performance.now();
        if (req.url?.includes("invocations")) {
          let parsed: { variations?: unknown[]; timings?: Invocation["timings"] } = {};
          try {
            parsed = JSON.parse(payload.toString("utf8"));
          } catch {
            // an error body that is not JSON: recorded without timings
          }
          invocations.push({
            start,
            end,
            status: answer.statusCode ?? 0,
            variations: parsed.variations?.length ?? 0,
            timings: parsed.timings,
          });
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.end(payload);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    upstream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    invocations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
