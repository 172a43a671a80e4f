import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Stack, type StackOptions, startStack } from "../src/stack.ts";

export const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `artai-${name}-`));

// The API client lives in src/client.ts (`@artai/local/client`), shared with bench/; tests may
// import it from here as well.
export { Browser, upload } from "../src/client.ts";

/** The upload a test names when it only needs a job to exist (nothing is uploaded). */
export const NEW_UPLOAD = { contentType: "image/png", size: 1234, variations: 1 };

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
