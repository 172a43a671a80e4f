/**
 * Measures the JavaScript a browser downloads on a first visit to a page, from the production build
 * in .next: every /_next/static chunk the page's HTML (served by `next start`) references (script tags, preloads and the
 * inline React Server Components payload), each gzipped at zlib's default level as a CDN would.
 * Scripts marked `noModule` (legacy polyfills) are listed but not counted: browsers that run modules,
 * every browser ArtAI supports, never download them.
 *
 *   pnpm --filter @artai/web build && pnpm --filter @artai/web measure [route] [--max-kb N]
 *
 * Exits 1 when the total exceeds the budget (default 150 kB).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";

const args = process.argv.slice(2);
const maxFlag = args.indexOf("--max-kb");
const budgetKb = maxFlag >= 0 ? Number(args[maxFlag + 1]) : 150;
const route = args.find((a, i) => !a.startsWith("--") && i !== maxFlag + 1) ?? "/";

const root = join(import.meta.dirname, "..");
if (!existsSync(join(root, ".next", "BUILD_ID"))) {
  console.error("No production build in .next; run `pnpm --filter @artai/web build` first.");
  process.exit(2);
}

/**
 * Every page renders per request (each gets a fresh CSP nonce), so there is no prerendered HTML to
 * read: the build is served with `next start` on a free port and the page fetched from it.
 */
async function fetchPage(path: string): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const next = join(
    dirname(createRequire(join(root, "package.json")).resolve("next/package.json")),
    "dist/bin/next",
  );
  const server = spawn(
    process.execPath,
    [next, "start", "--port", String(port), "--hostname", "127.0.0.1"],
    {
      cwd: root,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      stdio: "ignore",
    },
  );
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        if (res.ok) return await res.text();
        throw new Error(`${path} answered ${res.status}`);
      } catch (error) {
        if (Date.now() > deadline || server.exitCode !== null) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    server.kill("SIGTERM");
  }
}

const html = await fetchPage(route);
const legacy = new Set(
  [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"[^>]*\bnoModule\b[^>]*>/gi)].map(
    (m) => m[1] as string,
  ),
);
const referenced = [...new Set(html.match(/\/_next\/static\/[^"'\\\s)]+?\.js/g) ?? [])].sort();
const chunks = referenced.filter((chunk) => !legacy.has(chunk));

let raw = 0;
let gzip = 0;
const rows: { chunk: string; raw: number; gzip: number }[] = [];
for (const chunk of chunks) {
  const file = join(root, ".next", chunk.replace(/^\/_next\//, ""));
  const bytes = readFileSync(file);
  const zipped = gzipSync(bytes).length;
  raw += bytes.length;
  gzip += zipped;
  rows.push({ chunk, raw: bytes.length, gzip: zipped });
}

const kb = (n: number) => (n / 1000).toFixed(1);
for (const row of rows.sort((a, b) => b.gzip - a.gzip)) {
  console.log(
    `${kb(row.gzip).padStart(7)} kB gzip  ${kb(row.raw).padStart(7)} kB raw  ${row.chunk}`,
  );
}
for (const chunk of legacy) console.log(`(not counted: noModule legacy script ${chunk})`);
console.log(
  `First-load JS for ${route}: ${kb(gzip)} kB gzip (${kb(raw)} kB raw) in ${chunks.length} chunks; budget ${budgetKb} kB.`,
);
if (gzip > budgetKb * 1000) {
  console.error(`Over budget by ${kb(gzip - budgetKb * 1000)} kB.`);
  process.exit(1);
}
