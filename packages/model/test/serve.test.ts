import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "../scripts/server-process.ts";
import { png } from "./images.ts";

// The entry the container (bin/serve) and the local stack run: `node --import tsx src/serve.ts`.
describe("serve entry", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({ ARTAI_MODEL_WORKERS: "1", PORT: "1" });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("listens on SAGEMAKER_BIND_TO_PORT (not PORT) and answers /ping 200 once loaded", async () => {
    expect(server.url).not.toMatch(/:1$/);
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });

  it("serves the SDK's /endpoints/{name}/invocations path", async () => {
    const response = await fetch(`${server.url}/endpoints/artai-model/invocations`, {
      method: "POST",
      body: await png({ width: 48, height: 32 }),
      headers: {
        "content-type": "image/png",
        "x-amzn-sagemaker-custom-attributes": "variations=1;strength=strong;seed=5",
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { variations: { width: number; height: number }[] };
    expect(body.variations).toHaveLength(1);
  });

  it("on SIGTERM, finishes the request in progress, then exits cleanly", async () => {
    const inProgress = fetch(`${server.url}/invocations`, {
      method: "POST",
      body: await png({ width: 400, height: 300 }),
      headers: {
        "content-type": "image/png",
        "x-amzn-sagemaker-custom-attributes": "variations=4;strength=strong",
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = server.stop();
    const response = await inProgress;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { variations: unknown[] }).variations).toHaveLength(4);
    expect(await exited).toBe(0);
  });
});
