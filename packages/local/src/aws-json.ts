/**
 * What the local AWS JSON-protocol endpoints (CloudWatch, SQS, the DynamoDB front, the SageMaker
 * front and the metrics pass-through) share: reading a request's body, answering in AWS JSON 1.0,
 * checking a request's SigV4 signature, and listening with a `close` that ends open connections.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { JsonSigV4Verifier } from "./iam/sigv4.ts";

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Answers in `application/x-amz-json-1.0`. `queryError` is the query-compatible error code
 * (`x-amzn-query-error: <code>;Sender`), by which the SDK names an error as the query protocol did.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, queryError?: string) {
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    ...(queryError ? { "x-amzn-query-error": `${queryError};Sender` } : {}),
  });
  res.end(JSON.stringify(body));
}

/** The access key that signed `req` (whose body is `body`), or a `SignatureError`. */
export function verifySigned(verifier: JsonSigV4Verifier, req: IncomingMessage, body: Buffer) {
  return verifier.verify({
    method: req.method ?? "POST",
    path: req.url ?? "/",
    headers: req.headers,
    body,
  });
}

/** Listens on `host:port` (0 picks a free port); `close` ends open connections, then the server. */
export async function listen(server: Server, host = "127.0.0.1", port = 0) {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
