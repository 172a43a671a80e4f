/**
 * Samples this thread's CPU with the V8 profiler (node:inspector) while `fn` runs, and sums the
 * time by where the code comes from: an npm package, an ArtAI package, Node itself, or the garbage
 * collector. In the bench that is the stack's main thread (the front, the API Gateway adapter,
 * dynalite, the local S3); each function's own thread is another V8 isolate, not sampled. It names
 * what that CPU time goes to without changing any of the code measured.
 */
import { Session } from "node:inspector/promises";

export interface CpuShare {
  /** A package name (`dynalite`, `@aws-sdk/client-dynamodb`), `@artai/<pkg>`, or a V8 category. */
  name: string;
  /** Share of the busy (non-idle) samples. */
  share: number;
}

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  hitCount?: number;
}

/** Packages grouped under one name, so the shares say which component, not which file. */
const GROUPS: [RegExp, string][] = [
  [/^@(aws-sdk|smithy|aws-crypto)\//, "AWS SDK v3 (clients, SigV4, serialisation)"],
  [
    /^(dynalite|level|memory-level|classic-level|abstract-level|big\.js|lazy|lock|async|buffer-crc32)$/,
    "dynalite (local DynamoDB)",
  ],
  [/^(fast-xml-parser|busboy)$/, "local S3"],
];

function categorise(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (!url) {
    if (functionName.startsWith("(")) return functionName;
    return "native code (sockets, buffers, crypto)";
  }
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1]) {
    const name = pkg[1];
    return GROUPS.find(([pattern]) => pattern.test(name))?.[1] ?? name;
  }
  const own = /\/packages\/([^/]+)\//.exec(url);
  if (own?.[1]) return `@artai/${own[1]}`;
  if (url.startsWith("node:")) return "Node.js internals";
  return url;
}

export async function profileCpu<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; shares: CpuShare[] }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 1000 });
  await session.post("Profiler.start");
  let result: T;
  let profile: { nodes: ProfileNode[] };
  try {
    result = await fn();
  } finally {
    ({ profile } = (await session.post("Profiler.stop")) as unknown as {
      profile: { nodes: ProfileNode[] };
    });
    session.disconnect();
  }
  const totals = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const name = categorise(node);
    if (name === "(idle)" || hits === 0) continue;
    busy += hits;
    totals.set(name, (totals.get(name) ?? 0) + hits);
  }
  const shares = [...totals.entries()]
    .map(([name, hits]) => ({ name, share: hits / Math.max(1, busy) }))
    .sort((a, b) => b.share - a.share);
  return { result, shares };
}
