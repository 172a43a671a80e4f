/**
 * A small HTTP client for ArtAI's API that keeps its own cookie, like one browser would, and the
 * browser-style upload. The local stack's tests, the benchmarks and the load test all drive ArtAI
 * through it (imported as `@artai/local/client`).
 */
import type { CreatedJob, ErrorBody, JobView } from "@artai/core/contract";

export class Browser {
  cookie?: string;
  constructor(readonly base: string) {}

  async request(path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("cookie", this.cookie);
    const res = await fetch(new URL(path, this.base), { ...init, headers });
    const setCookie = res.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0];
    return res;
  }

  async json<T>(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: T; res: Response }> {
    const res = await this.request(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, res };
  }

  createJob(body: unknown) {
    return this.json<CreatedJob & { error?: ErrorBody }>("/api/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  /** Long-polls until the job is finished or `timeoutMs` passes. */
  async waitForJob(id: string, timeoutMs = 90_000): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await this.json<JobView>(`/api/jobs/${id}?wait=20`);
      if (status !== 200) throw new Error(`GET job answered ${status}`);
      if (body.status === "succeeded" || body.status === "failed") return body;
      if (Date.now() > deadline) throw new Error(`job ${id} still ${body.status}`);
    }
  }
}

/** Uploads a file the way a browser does: a multipart POST with the policy fields, the file last. */
export async function upload(
  target: { url: string; fields: Record<string, string> },
  bytes: Uint8Array,
  contentType: string,
  origin?: string,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(target.fields)) form.append(k, v);
  form.append("file", new Blob([bytes], { type: contentType }), "photo");
  return fetch(target.url, { method: "POST", body: form, headers: origin ? { origin } : {} });
}
