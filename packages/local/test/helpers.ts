import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import type { Browser } from "../src/client.ts";
import { type Stack, type StackOptions, startStack } from "../src/stack.ts";

export const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `artai-${name}-`));

// The API client lives in src/client.ts (`@artai/local/client`), shared with bench/; tests may
// import it from here as well.
export { Browser, upload } from "../src/client.ts";

/** The upload a test names when it only needs a job to exist (nothing is uploaded). */
export const NEW_UPLOAD = { contentType: "image/png", size: 1234, variations: 1 };

/** Creates a job of one PNG variation for `image`; expects 201 and returns its upload form. */
export async function createPngJob(client: Browser, image: Buffer) {
  const res = await client.createJob({
    contentType: "image/png",
    size: image.length,
    variations: 1,
  });
  expect(res.status).toBe(201);
  const target = res.body.upload;
  if (!target) throw new Error("POST /api/jobs gave no upload form");
  return { id: res.body.job.id, target };
}

/**
 * A stack with no web app and no sweeper timer (the tests run the sweeper when they mean to), in a
 * fresh `tempDir(name)` unless `options.dataDir` names one. Quiet, except for the model
 * container's own errors, which explain a failing test.
 */
export function quietStack(name: string, options: StackOptions = {}): Promise<Stack> {
  return startStack({
    dataDir: options.dataDir ?? tempDir(name),
    port: 0,
    web: "none",
    sweepIntervalMs: 0,
    log: (component, line) => {
      if (component === "model" && /error/i.test(line)) console.error(`[model] ${line}`);
    },
    ...options,
  });
}

/**
 * A quiet stack that never reaches a model: no worker polls the queue, so jobs stay queued, and the
 * model URL is a port nothing answers on.
 */
export function modellessStack(name: string, options: StackOptions = {}): Promise<Stack> {
  return quietStack(name, { worker: false, modelUrl: "http://127.0.0.1:9", ...options });
}

/** Where an SDK client reaches a server started by `serverForSuite`. */
export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * For the suite it is called in: starts a local server before the tests and an SDK client on its
 * endpoint (`us-east-1`, a test key the server does not check), then destroys the client and
 * closes the server after them.
 */
export function serverForSuite<
  S extends { url: string; close(): Promise<void> },
  C extends { destroy(): void },
>(start: () => Promise<S>, connect: (config: ClientConfig) => C) {
  let server: S | undefined;
  let client: C | undefined;
  beforeAll(async () => {
    server = await start();
    client = connect({
      endpoint: server.url,
      region: "us-east-1",
      credentials: { accessKeyId: "ARTAITEST", secretAccessKey: "artai-test" },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });
  return {
    get server(): S {
      if (!server) throw new Error("the server starts in beforeAll");
      return server;
    },
    get client(): C {
      if (!client) throw new Error("the client is made in beforeAll");
      return client;
    },
  };
}
