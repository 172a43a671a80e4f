/**
 * The SageMaker Runtime front of the local stack: `InvokeEndpoint` for the one endpoint ArtAI
 * declares, forwarded to the model container's `/invocations`. Like SageMaker, it wraps a
 * container's non-2xx answer as a `ModelError` (HTTP 424) carrying the original status and body,
 * and gives up after 60 s, so the worker sees the same errors locally as on AWS.
 */
import { createServer, request } from "node:http";
import { listen, readBody } from "./aws-json.ts";

export const MODEL_TIMEOUT_MS = 60_000;

/** One `InvokeEndpoint` call as SageMaker's CloudWatch metrics would count it. */
export interface Invocation {
  at: number;
  /** 200, or the container's status (0 when it did not answer: down or past the timeout). */
  status: number;
}

export interface SageMakerRuntime {
  url: string;
  /** Every invocation so far, oldest first (SageMaker's `Invocations` and error metrics). */
  invocations(): Invocation[];
  /** How long the container may take (SageMaker allows 60 s); a fault knob for tests. */
  setTimeoutMs(ms: number): void;
  /** Sends invocations to another container (a fault injector in a test); `undefined` restores. */
  setModelUrl(url: string | undefined): void;
  close(): Promise<void>;
}

export async function startSageMakerRuntime(input: {
  endpointName: string;
  modelUrl: string;
  host?: string;
  port?: number;
  timeoutMs?: number;
}): Promise<SageMakerRuntime> {
  let timeoutMs = input.timeoutMs ?? MODEL_TIMEOUT_MS;
  let modelUrl = input.modelUrl;
  const invocations: Invocation[] = [];
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown, errorType: string) => {
      res.writeHead(status, { "content-type": "application/json", "x-amzn-errortype": errorType });
      res.end(JSON.stringify(body));
    };
    const match = /^\/endpoints\/([^/]+)\/invocations$/.exec(req.url?.split("?")[0] ?? "");
    if (req.method !== "POST" || !match) {
      return send(404, { message: "Unknown operation" }, "UnknownOperationException");
    }
    const name = decodeURIComponent(match[1] ?? "");
    if (name !== input.endpointName) {
      return send(
        400,
        { message: `Endpoint ${name} of account 000000000000 not found.` },
        "ValidationError",
      );
    }
    const body = await readBody(req);
    const invocation: Invocation = { at: Date.now(), status: 0 };
    invocations.push(invocation);
    const modelError = (status: number, message: string) => {
      invocation.status = status;
      send(
        424,
        {
          message: `Received ${status >= 500 || status === 0 ? "server" : "client"} error (${status}) from primary with message "${message}".`,
          OriginalStatusCode: status,
          OriginalMessage: message,
          LogStreamArn: `arn:aws:logs:local:000000000000:log-group:/aws/sagemaker/Endpoints/${name}`,
        },
        "ModelError",
      );
    };

    const target = new URL("/invocations", modelUrl);
    const forwarded: Record<string, string> = { "content-length": String(body.length) };
    for (const h of ["content-type", "accept", "x-amzn-sagemaker-custom-attributes"]) {
      const value = req.headers[h];
      if (typeof value === "string") forwarded[h] = value;
    }
    const upstream = request(target, { method: "POST", headers: forwarded, timeout: timeoutMs });
    upstream.on("timeout", () => {
      upstream.destroy();
      if (!res.headersSent) {
        modelError(
          0,
          "Your invocation timed out while waiting for a response from container primary.",
        );
      }
    });
    upstream.on("error", (error) => {
      if (!res.headersSent) modelError(0, `The container did not answer: ${error.message}`);
    });
    upstream.on("response", async (answer) => {
      const parts: Buffer[] = [];
      for await (const chunk of answer) parts.push(chunk as Buffer);
      const payload = Buffer.concat(parts);
      const status = answer.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        invocation.status = status;
        res.writeHead(200, {
          "content-type": answer.headers["content-type"] ?? "application/json",
          "x-amzn-invoked-production-variant": "AllTraffic",
        });
        res.end(payload);
      } else {
        modelError(status, payload.toString("utf8"));
      }
    });
    upstream.end(body);
  });
  const { url, close } = await listen(server, input.host, input.port);
  return {
    url,
    invocations: () => invocations.map((i) => ({ ...i })),
    setTimeoutMs: (ms) => {
      timeoutMs = ms;
    },
    setModelUrl: (url) => {
      modelUrl = url ?? input.modelUrl;
    },
    close,
  };
}
