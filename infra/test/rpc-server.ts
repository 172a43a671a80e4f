/**
 * A stand-in for the SST CLI's JSON-RPC endpoint (`$SST_SERVER/rpc`), which SST components
 * call while the program runs. The request is `{jsonrpc, method, params: [args]}` and the
 * answer `{result}` or `{error}` (see .sst/platform/src/components/rpc/rpc.ts).
 *
 * - `Runtime.Build` bundles the function's real handler with esbuild, the way the CLI does,
 *   so a handler path that does not exist, or a module without the named export, fails
 *   the run. A prebuilt `bundle` (OpenNext's server functions) is checked, not rebuilt.
 * - `Runtime.AddTarget` (sent under `sst dev`) is recorded.
 * - `Provider.Aws.Bootstrap` / `Provider.Aws.Appsync` return the names the CLI would have
 *   looked up in the account.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { build } from "esbuild";
import type { Json } from "./json.ts";

export interface BuildRecord {
  functionID: string;
  handler: string;
  /** The source file esbuild started from (undefined for a prebuilt bundle). */
  entry?: string;
  /** The exports of the bundled module, as esbuild's metafile reports them. */
  exports: string[];
  links: Record<string, unknown>;
  /** Packages SST installs next to the bundle instead of bundling (`nodejs.install`). */
  install: string[];
  /** npm packages whose files ended up in the bundle. */
  packages: string[];
  /** Link names the bundled code reads as `Resource.<Name>`. */
  resources: string[];
  errors: string[];
}

export interface RpcServer {
  url: string;
  calls: { method: string; args: Json }[];
  builds: BuildRecord[];
  targets: Json[];
  inFlight: number;
  close(): Promise<void>;
}

const SOURCE_EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/** Bundles `handler` ("packages/functions/src/api.handler") from `root` into `out`. */
async function buildHandler(root: string, input: Json, out: string): Promise<BuildRecord> {
  const record: BuildRecord = {
    functionID: input.functionID,
    handler: input.handler,
    exports: [],
    links: input.links ?? {},
    // SST normalises `nodejs.install: ["sharp"]` to `{ sharp: "*" }` before it asks to build.
    install: Object.keys(input.properties?.install ?? {}),
    packages: [],
    resources: [],
    errors: [],
  };
  const parsed = path.posix.parse(input.handler);
  const exportName = parsed.ext.slice(1);
  const base = path.join(parsed.dir, parsed.name);

  if (input.bundle) {
    const file = SOURCE_EXTENSIONS.map((ext) => path.join(input.bundle, base + ext)).find(
      existsSync,
    );
    if (!file) record.errors.push(`No handler file for "${input.handler}" in ${input.bundle}`);
    return record;
  }

  const entry = SOURCE_EXTENSIONS.map((ext) => path.join(root, base + ext)).find(existsSync);
  if (!entry) {
    record.errors.push(`Could not find a file for handler "${input.handler}"`);
    return record;
  }
  record.entry = path.relative(root, entry);
  const outfile = path.join(out, `${base}.mjs`);
  try {
    const result = await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      metafile: true,
      logLevel: "silent",
      // The Lambda Node.js runtime ships the AWS SDK v3; `install` packages are added later.
      external: ["@aws-sdk/*", ...record.install],
      banner: {
        js: 'import { createRequire as artaiCreateRequire } from "node:module"; const require = artaiCreateRequire(import.meta.url);',
      },
    });
    const packages = Object.keys(result.metafile.inputs)
      .filter((file) => file.includes("node_modules/"))
      .map((file) => {
        const [scope = "", name = ""] = (file.split("node_modules/").pop() ?? "").split("/");
        return scope.startsWith("@") ? `${scope}/${name}` : scope;
      });
    record.packages = [...new Set(packages)].sort();
    const code = readFileSync(outfile, "utf8");
    record.resources = [
      ...new Set([...code.matchAll(/\bResource\.(\w+)/g)].map((m) => m[1] as string)),
    ]
      .filter((name) => name !== "App")
      .sort();
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint);
    record.exports = output?.exports ?? [];
    if (!record.exports.includes(exportName)) {
      record.errors.push(`${record.entry} does not export "${exportName}"`);
    }
  } catch (error) {
    record.errors.push(`esbuild failed for ${record.entry}: ${(error as Error).message}`);
  }
  return record;
}

export async function startRpcServer({ root }: { root: string }): Promise<RpcServer> {
  const calls: RpcServer["calls"] = [];
  const builds: BuildRecord[] = [];
  const targets: Json[] = [];
  const state = { inFlight: 0 };
  const work = path.join(root, ".sst-work", "artifacts");

  async function answer(method: string, args: Json): Promise<unknown> {
    switch (method) {
      case "Runtime.Build": {
        const out = path.join(work, `${args.functionID}-src`);
        mkdirSync(out, { recursive: true });
        const record = await buildHandler(root, args, out);
        builds.push(record);
        return {
          handler: args.handler,
          out: args.bundle ?? out,
          errors: record.errors,
          sourcemaps: [],
        };
      }
      case "Runtime.AddTarget":
        targets.push(args);
        return {};
      case "Provider.Aws.Bootstrap":
        return {
          asset: "sst-asset-mock",
          assetEcrRegistryId: "123456789012",
          assetEcrUrl: "123456789012.dkr.ecr.us-east-1.amazonaws.com/sst-asset",
          state: "sst-state-mock",
          appsyncHttp: "mock.appsync-api.us-east-1.amazonaws.com",
          appsyncRealtime: "mock.appsync-realtime-api.us-east-1.amazonaws.com",
        };
      case "Provider.Aws.Appsync":
        return {
          http: "mock.appsync-api.us-east-1.amazonaws.com",
          realtime: "mock.appsync-realtime-api.us-east-1.amazonaws.com",
        };
      default:
        throw new Error(`rpc: can't find method ${method}`);
    }
  }

  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", async () => {
      state.inFlight++;
      const { method, params } = JSON.parse(body) as { method: string; params: Json[] };
      calls.push({ method, args: params[0] });
      let reply: { result?: unknown; error?: string };
      try {
        reply = { result: await answer(method, params[0]) };
      } catch (error) {
        reply = { error: (error as Error).message };
      }
      state.inFlight--;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: null, ...reply }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    builds,
    targets,
    get inFlight() {
      return state.inFlight;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
