import { rename, writeFile } from "node:fs/promises";
import { createServer } from "node:net";

/** A port that was free a moment ago (for child processes that must be told their port). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Replaces a file in one step, so a crash mid-write never leaves half a file behind. */
export async function writeAtomic(path: string, data: string | Buffer) {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
