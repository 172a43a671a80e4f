/**
 * SageMaker publishes `Invocations`, `Invocation4XXErrors`, `Invocation5XXErrors` and
 * `ModelLatency` (microseconds) for every endpoint. Locally, this pass-through sits between the
 * SageMaker Runtime front and the model container and records the same metrics in the local
 * metric store. It is transparent: a container that does not answer still looks dead (the
 * connection is dropped), so the front reports the same errors as without it.
 */
import { createServer, request } from "node:http";
import { listen } from "../aws-json.ts";
import type { MetricStore } from "./metric-store.ts";

export async function startModelMetrics(input: {
  /** The model container's URL, read on every request (the container may be restarted). */
  target: () => string | undefined;
  store: MetricStore;
  endpointName: string;
  host?: string;
}) {
  const dimensions = { EndpointName: input.endpointName, VariantName: "AllTraffic" };
  const put = (name: string, value: number) =>
    input.store.put({ namespace: "AWS/SageMaker", name, dimensions }, value);

  const server = createServer((req, res) => {
    const target = input.target();
    if (!target) {
      req.socket.destroy();
      return;
    }
    const isInvocation = req.method === "POST" && req.url?.startsWith("/invocations");
    const started = performance.now();
    const record = (status: number) => {
      if (!isInvocation) return;
      put("Invocations", 1);
      put("Invocation4XXErrors", status >= 400 && status < 500 ? 1 : 0);
      put("Invocation5XXErrors", status >= 500 || status === 0 ? 1 : 0);
      if (status >= 200 && status < 300) {
        put("ModelLatency", Math.round((performance.now() - started) * 1000));
      }
    };
    const url = new URL(req.url ?? "/", target);
    const upstream = request(url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on("end", () => record(answer.statusCode ?? 0));
    });
    upstream.on("error", () => {
      record(0);
      req.socket.destroy();
    });
    res.on("close", () => {
      if (!res.writableEnded) upstream.destroy();
    });
    req.pipe(upstream);
  });
  const { url, close } = await listen(server, input.host);
  return { url, close };
}
