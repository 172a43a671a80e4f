import { readFileSync } from "node:fs";
import { DockerfileParser } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { describe, expect, it } from "vitest";

const dockerfile = readFileSync(new URL("../Dockerfile", import.meta.url), "utf8");
const serveScript = readFileSync(new URL("../bin/serve", import.meta.url), "utf8");
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

describe("Dockerfile (no Docker engine here, so it is parsed and linted)", () => {
  const parsed = DockerfileParser.parse(dockerfile);
  const instructions = parsed.getInstructions();
  const keyword = (k: string) => instructions.filter((i) => i.getKeyword() === k);

  it("passes dockerfile-utils' linter with no problems", () => {
    const problems = validate(dockerfile);
    expect(problems.map((p) => `${p.range.start.line + 1}: ${p.message}`)).toEqual([]);
  });

  it("runs on a Node LTS slim base", () => {
    const froms = parsed.getFROMs();
    expect(froms.length).toBeGreaterThan(0);
    for (const from of froms) {
      expect(from.getImageName()).toBe("node");
      const tag = from.getImageTag() ?? "";
      const major = Number(/^(\d+)/.exec(tag)?.[1]);
      expect(major % 2, `node ${tag} is an LTS (even) line`).toBe(0);
      expect(major).toBeGreaterThanOrEqual(20);
      expect(tag).toMatch(/slim/);
    }
  });

  it("runs the final image as a non-root user", () => {
    const finalStage = parsed.getFROMs().at(-1);
    const users = keyword("USER").filter(
      (u) => u.getRange().start.line > (finalStage?.getRange().start.line ?? 0),
    );
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)?.getArgumentsContent() ?? "";
    expect(["root", "0", "0:0"]).not.toContain(user.trim());
  });

  it("starts `serve`, the same src/serve.ts entry the tests and the local stack start", () => {
    const cmd = keyword("CMD").at(-1)?.getArgumentsContent() ?? "";
    expect(cmd).toContain("serve");
    expect(dockerfile).toMatch(/PATH=\/opt\/ml\/code\/bin/);
    expect(pkg.bin.serve).toBe("./bin/serve");
    expect(serveScript).toMatch(/node --import tsx src\/serve\.ts/);
  });

  it("bakes the runtime and the weights in: ONNX Runtime and the ESRGAN packages are production dependencies, installed at build time", () => {
    for (const dep of [
      "@upscalerjs/esrgan-slim",
      "@upscalerjs/esrgan-medium",
      "onnxruntime-node",
      "onnx-proto",
      "tsx",
    ])
      expect(Object.keys(pkg.dependencies)).toContain(dep);
    // TF.js is only the test reference and benchmark baseline; the container does not carry it.
    expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith("@tensorflow/"))).toEqual([]);
    // onnxruntime-node's install script would try to download GPU parts; its CPU binaries ship in
    // the package, so the build skips the script.
    expect(dockerfile).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip/);
    const runs = keyword("RUN").map((r) => r.getArgumentsContent() ?? "");
    expect(runs.some((r) => /deploy --prod/.test(r))).toBe(true);
    // The final stage has no RUN that could fetch anything.
    const lastFrom = parsed.getFROMs().at(-1)?.getRange().start.line ?? 0;
    expect(keyword("RUN").filter((r) => r.getRange().start.line > lastFrom)).toEqual([]);
  });

  it("listens on 8080, SageMaker's port", () => {
    expect(keyword("EXPOSE").map((e) => e.getArgumentsContent())).toContain("8080");
  });
});
