/**
 * Runs ArtAI's real SST program (sst.config.ts and infra/*.ts) under Pulumi's runtime mocks
 * and records every resource it registers, with its inputs.
 *
 * What stands in for the SST CLI, and why:
 * - The globals the CLI's shim defines (`$app`, `$dev`, `$cli`, `$interpolate`, …, `sst`,
 *   `aws`, `dockerbuild`) are set from the installed platform (.sst/platform) itself.
 * - `$app` comes from the `app()` of sst.config.ts for the requested stage.
 * - The CLI's JSON-RPC endpoint ($SST_SERVER/rpc) is served by `startRpcServer`: it answers
 *   `Runtime.Build` by bundling the real handler with esbuild, as the CLI does.
 * - Pulumi's engine is replaced by `pulumi.runtime.setMocks`: a resource's outputs are its
 *   inputs plus the identifiers AWS would assign (ARN, name, URL), and provider functions
 *   (region, account, policy documents, zones) get fixed answers; a policy document is
 *   rendered from its statements so tests can read the IAM policies the program wrote. Those
 *   answers are in mocks.ts.
 * - Next.js is not built: the program runs in a scratch root where packages/web is the
 *   OpenNext output fixture in test/fixtures/web, every other package is the real one.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import type { Json } from "./json.ts";
import { assignedState, callMock, REGION } from "./mocks.ts";
import { type RpcServer, startRpcServer } from "./rpc-server.ts";

export const repoRoot = path.resolve(import.meta.dirname, "..", "..");
export const LAMBDA = "aws:lambda/function:Function";
export const ROLE = "aws:iam/role:Role";
export const platformDir = path.join(repoRoot, ".sst", "platform");
const fixtureWeb = path.join(import.meta.dirname, "fixtures", "web");

/** One resource the program registered. `inputs` are exactly what the program passed. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, Json>;
  state: Record<string, Json>;
  id: string;
  /** The provider reference (`urn::id`) when the resource names one explicitly. */
  provider?: string;
  /** Whether Pulumi keeps the cloud resource when it leaves the program (`retainOnDelete`). */
  retainOnDelete?: boolean;
  /** What a component registered as its outputs (`registerOutputs`), e.g. a DevCommand's `_dev`. */
  outputs?: Record<string, Json>;
  /**
   * The resources Pulumi creates before this one, as `type::name`: its explicit `dependsOn` plus
   * the resources its inputs come from (the engine's direct dependencies).
   */
  dependencies: string[];
}

export interface ProgramRun {
  resources: Registered[];
  /** Errors the program raised while it ran (unhandled rejections in SST components). */
  errors: string[];
  outputs: Record<string, unknown>;
  rpc: RpcServer;
  /** The scratch root the program ran in (packages/* are links to the real packages). */
  root: string;
  /** All resources of a type, e.g. "aws:s3/bucket:Bucket". */
  ofType(type: string): Registered[];
  /** The one resource of `type` whose name is `name`; throws if absent. */
  get(type: string, name: string): Registered;
  /** The resources of `type` that satisfy `predicate`. */
  find(type: string, predicate: (r: Registered) => boolean): Registered[];
  /** The ARN of the one resource of `type` named `name`. */
  arnOf(type: string, name: string): string;
  /** The Lambda function of the `sst.aws.Function` named `fn` (SST names it `<fn>Function`). */
  lambdaOf(fn: string): Registered;
  /** The statements of the inline policies of `fn`'s role (`<fn>Role`). */
  statementsOf(fn: string): Statement[];
  /** The link names bundled into `fn`'s handler, sorted. */
  linksOf(fn: string): string[];
  /** The provider resource a resource was registered with (`urn::id` → the provider). */
  providerOf(resource: Registered): Registered | undefined;
  /** Stops the RPC server and deletes the scratch root. */
  dispose(): Promise<void>;
}

export interface RunOptions {
  stage: string;
  /** Run as `sst dev` does (`$dev` true). */
  dev?: boolean;
  /** Values for `sst.Secret`s, as `sst secret set` would provide them. */
  secrets?: Record<string, string>;
  /** Extra environment for the program (stage config reads a few variables). */
  env?: Record<string, string>;
}

const platformRequire = createRequire(path.join(platformDir, "package.json"));

/** A scratch checkout: real packages and sst.config.ts, packages/web from the fixture. */
function scratchRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), "artai-infra-"));
  for (const entry of readdirSync(repoRoot)) {
    if (entry === "packages" || entry === ".sst" || entry === ".git") continue;
    symlinkSync(path.join(repoRoot, entry), path.join(root, entry));
  }
  mkdirSync(path.join(root, "packages"));
  for (const pkg of readdirSync(path.join(repoRoot, "packages"))) {
    if (pkg === "web") continue;
    symlinkSync(path.join(repoRoot, "packages", pkg), path.join(root, "packages", pkg));
  }
  // .open-next and .next are gitignored names, so the fixture stores them without the dot.
  const web = path.join(root, "packages", "web");
  mkdirSync(web);
  cpSync(path.join(fixtureWeb, "package.json"), path.join(web, "package.json"));
  cpSync(path.join(fixtureWeb, "open-next"), path.join(web, ".open-next"), { recursive: true });
  cpSync(path.join(fixtureWeb, "next"), path.join(web, ".next"), { recursive: true });
  return root;
}

// Pulumi's wire marker for a secret value: {[SECRET_SIG]: SECRET_VALUE, value}.
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Replaces Pulumi's secret wrappers with their plain values, so tests read inputs directly. */
function unwrapSecrets(value: Json): Json {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    if (SECRET_SIG in value) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>` → `type::name`. */
function urnKey(urn: string): string {
  const [, , typePath = "", name = ""] = urn.split("::");
  return `${typePath.split("$").pop()}::${name}`;
}

/**
 * Waits until no resource has been registered and no RPC answered for `quietMs`. SST creates
 * many resources inside `apply` callbacks (after a build, a zip, a lookup), so the program
 * returning does not mean it has finished registering.
 */
async function settle(count: () => number, rpc: RpcServer, quietMs = 1500, limitMs = 90_000) {
  const started = Date.now();
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() - started < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = count() + rpc.calls.length;
    if (now !== last || rpc.inFlight > 0) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return;
    }
  }
  throw new Error("the program kept registering resources for 90 s");
}

/**
 * Runs sst.config.ts for `options.stage` under Pulumi mocks and returns what it registered.
 * Call once per test file: the program's modules and Pulumi's runtime are per process.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  if (!existsSync(path.join(platformDir, "config.d.ts"))) {
    throw new Error("SST platform missing: run `pnpm --filter @artai/infra platform` first");
  }
  const root = scratchRoot();
  const work = path.join(root, ".sst-work");
  mkdirSync(work, { recursive: true });
  const rpc = await startRpcServer({ root });

  Object.assign(process.env, options.env ?? {});
  process.env.SST_SERVER = rpc.url;
  for (const [name, value] of Object.entries(options.secrets ?? {})) {
    process.env[`SST_SECRET_${name}`] = value;
  }

  const pulumi = platformRequire("@pulumi/pulumi") as typeof $util;
  const resources: Registered[] = [];
  const errors: string[] = [];
  process.on("unhandledRejection", (reason) => {
    errors.push(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason));
  });
  // The mock API does not pass resource options on; read `retainOnDelete` and the dependencies
  // off the request.
  const retained = new Map<string, boolean>();
  const dependencies = new Map<string, string[]>();
  const { MockMonitor } = platformRequire("@pulumi/pulumi/runtime/mocks");
  const register = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: Json, callback: Json) {
    const key = `${req.getType()}::${req.getName()}`;
    retained.set(key, req.getRetainondelete());
    dependencies.set(key, (req.getDependenciesList() as string[]).map(urnKey));
    return register.call(this, req, callback);
  };

  await pulumi.runtime.setMocks(
    {
      newResource({ type, name, inputs: wireInputs, id, provider }) {
        const inputs = unwrapSecrets(wireInputs);
        const state = { ...assignedState(type, name, inputs), ...inputs };
        // `id` is "" unless the program imports a resource; an empty id would leave it unknown.
        const physicalId = id || `${name}-id`;
        resources.push({
          type,
          name,
          inputs,
          state,
          id: physicalId,
          provider,
          retainOnDelete: retained.get(`${type}::${name}`),
          dependencies: dependencies.get(`${type}::${name}`) ?? [],
        });
        return { id: physicalId, state };
      },
      call({ token, inputs }) {
        return callMock(token, unwrapSecrets(inputs));
      },
    },
    "artai",
    options.stage,
    false,
  );

  // The SST CLI passes the home provider's settings as `aws:*` configuration (SST's useProvider
  // reads them back); the program reads `aws:region` for its stage guard.
  pulumi.runtime.setConfig("aws:region", REGION);

  const g = globalThis as Record<string, unknown>;
  const shim = await import(pathToFileURL(path.join(platformDir, "src/shim/run.js")).href);
  for (const [key, value] of Object.entries(shim)) g[key] = value;
  g.$dev = options.dev ?? false;
  g.$cli = {
    command: options.dev ? "dev" : "deploy",
    rpc: rpc.url,
    paths: { home: path.join(work, "home"), root, work, platform: platformDir },
    state: { version: {} },
  };
  g.aws = platformRequire("@pulumi/aws");
  g.dockerbuild = platformRequire("@pulumi/docker-build");

  // `$app` comes first: some component modules read it when they load.
  const config = (await import(pathToFileURL(path.join(root, "sst.config.ts")).href)).default;
  const app = await config.app({ stage: options.stage });
  g.$app = {
    name: app.name,
    stage: options.stage,
    removal: app.removal ?? "retain",
    protect: app.protect ?? false,
    providers: app.providers,
  };
  g.sst = await import(pathToFileURL(path.join(platformDir, "src/components/index.ts")).href);

  const { run } = await import(pathToFileURL(path.join(platformDir, "src/auto/run.ts")).href);
  let outputs: Record<string, unknown> = {};
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      outputs = await run(config.run);
      return outputs;
    });
  } catch (error) {
    // A program that refuses to run (a stage guard) leaves nothing behind.
    await rpc.close();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  await settle(() => resources.length, rpc);

  // Components publish their settings through registerOutputs, which the mock monitor keeps
  // by URN ("urn:pulumi:<stack>::<project>::<parent$…$type>::<name>").
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    resources: Map<string, { state?: { toJavaScript?: () => Json } }>;
  };
  for (const [urn, entry] of monitor.resources) {
    const [, , typePath = "", name] = urn.split("::");
    const type = typePath.split("$").pop();
    const resource = resources.find((r) => r.type === type && r.name === name);
    const state = entry.state?.toJavaScript?.();
    if (resource && state) resource.outputs = unwrapSecrets(state);
  }

  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const get = (type: string, name: string) => {
    const found = resources.find((r) => r.type === type && r.name === name);
    if (!found) {
      const names = ofType(type).map((r) => r.name);
      throw new Error(`no ${type} named ${name}; registered: ${names.join(", ") || "none"}`);
    }
    return found;
  };
  return {
    resources,
    errors,
    outputs,
    rpc,
    root,
    ofType,
    get,
    find: (type, predicate) => ofType(type).filter(predicate),
    arnOf: (type, name) => get(type, name).state.arn as string,
    lambdaOf: (fn) => get(LAMBDA, `${fn}Function`),
    statementsOf: (fn) => inlineStatements(get(ROLE, `${fn}Role`)),
    linksOf(fn) {
      const build = rpc.builds.find((b) => b.functionID === fn);
      if (!build) throw new Error(`no build for ${fn}`);
      return Object.keys(build.links).sort();
    },
    providerOf(resource) {
      const id = resource.provider?.split("::").pop();
      return ofType("pulumi:providers:aws").find((p) => p.id === id);
    },
    async dispose() {
      await rpc.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Resolves a Pulumi Output (or plain value) the program returned. */
export function resolved<T>(value: unknown): Promise<T> {
  const pulumi = platformRequire("@pulumi/pulumi") as typeof $util;
  return new Promise((resolve) => pulumi.output(value as T).apply((v) => resolve(v as T)));
}

/** One IAM statement, as `policyJson` (mocks.ts) renders it. */
export interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
  Principal?: unknown;
  Condition?: unknown;
}

/** The statements of a role's inline policies. */
export function inlineStatements(role: Registered): Statement[] {
  const policies: { policy: string }[] = role.inputs.inlinePolicies ?? [];
  return policies.flatMap((p) => JSON.parse(p.policy).Statement as Statement[]);
}

/**
 * Asserts that the program refuses to run `stage` with `env`, stopping with `message` before it
 * registers anything (a stage config guard). The secrets are placeholders.
 */
export async function expectRefusal(stage: string, env: Record<string, string>, message: RegExp) {
  await expect(
    runProgram({
      stage,
      secrets: { AlertEmail: "a@artai.test", StatusToken: "t", EdgeSecret: "e" },
      env,
    }),
  ).rejects.toThrow(message);
}
