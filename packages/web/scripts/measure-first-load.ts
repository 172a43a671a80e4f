/**
 * Measures the JavaScript a browser downloads on a first visit to a page, from the production build
 * in .next: every /_next/static chunk the prerendered HTML references (script tags, preloads and the
 * inline React Server Components payload), each gzipped at zlib's default level as a CDN would.
 * Scripts marked `noModule` (legacy polyfills) are listed but not counted: browsers that run modules,
 * every browser ArtAI supports, never download them.
 *
 *   pnpm --filter @artai/web build && pnpm --filter @artai/web measure [route] [--max-kb N]
 *
 * Exits 1 when the total exceeds the budget (default 150 kB).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const args = process.argv.slice(2);
const maxFlag = args.indexOf("--max-kb");
const budgetKb = maxFlag >= 0 ? Number(args[maxFlag + 1]) : 150;
const route = args.find((a, i) => !a.startsWith("--") && i !== maxFlag + 1) ?? "/";

const root = join(import.meta.dirname, "..");
const htmlFile = join(
  root,
  ".next/server/app",
  route === "/" ? "index.html" : `${route.replace(/^\//, "")}.html`,
);
if (!existsSync(htmlFile)) {
  console.error(`No prerendered HTML for ${route} at ${htmlFile}; run \`next build\` first.`);
  process.exit(2);
}
const html = readFileSync(htmlFile, "utf8");
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
