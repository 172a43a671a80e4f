/**
 * The operators' status token for the local stack: `ARTAI_STATUS_TOKEN` when set, otherwise one
 * generated on first start and kept in `<data dir>/status-token` (readable by its owner only),
 * so it stays the same across restarts. On AWS the same value is the `StatusToken` secret.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const statusTokenFile = (dataDir: string) => join(dataDir, "status-token");

export function statusToken(dataDir: string, fromEnv = process.env.ARTAI_STATUS_TOKEN): string {
  if (fromEnv) return fromEnv;
  const file = statusTokenFile(dataDir);
  try {
    const saved = readFileSync(file, "utf8").trim();
    if (saved) return saved;
  } catch {}
  const token = randomBytes(24).toString("base64url");
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
