import type {
  CreatedJob,
  CreateUploadRequest,
  JobParent,
  JobRequestOptions,
  JobView,
} from "@artai/core/contract";

/** An API answer that was not a success, or a request that never reached the API. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Seconds the API asked us to wait (Retry-After), when it said. */
  readonly retryAfter: number | undefined;

  constructor(code: string, message: string, status: number, retryAfter?: number) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }

  /** True when the request never got an answer: offline, DNS, connection reset. */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

/** Seconds from a Retry-After header, which may be a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

let serverOffsetMs = 0;

/**
 * Milliseconds to add to this device's clock to get the API's, from the `Date` header of its last
 * answer, so that "elapsed" times measured from server timestamps don't drift with a wrong clock.
 */
export function serverNow(): number {
  return Date.now() + serverOffsetMs;
}

/**
 * The server clock's lead over ours, from a `Date` header (whole seconds) and when the request was
 * sent and answered; 0 unless clearly off, since the header cannot resolve less than a second.
 */
export function clockOffset(dateHeader: string | null, sentAt: number, receivedAt: number): number {
  const date = Date.parse(dateHeader ?? "");
  if (Number.isNaN(date)) return 0;
  const offset = date + 500 - (sentAt + receivedAt) / 2;
  return Math.abs(offset) > 2000 ? offset : 0;
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const sentAt = Date.now();
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      credentials: "same-origin",
      headers: {
        accept: "application/json",
        ...(init.body ? { "content-type": "application/json" } : {}),
      },
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError("NetworkError", "The request did not reach ArtAI.", 0);
  }
  if (!init.method || init.method === "GET") {
    // A long poll's Date is stamped when the answer leaves, so its midpoint would be off.
    if (!path.includes("wait="))
      serverOffsetMs = clockOffset(response.headers.get("date"), sentAt, Date.now());
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      error?.code ?? (response.status >= 500 ? "ServerError" : "InvalidRequest"),
      error?.message ?? `ArtAI answered ${response.status}.`,
      response.status,
      parseRetryAfter(response.headers.get("retry-after")),
    );
  }
  return body as T;
}

/** Creates a job for a new upload; the answer carries the presigned POST to send the file with. */
export function createJob(body: CreateUploadRequest): Promise<Required<CreatedJob>> {
  return request("/api/jobs", { method: "POST", body: JSON.stringify(body) });
}

/** Creates a job from an earlier one: its input ("Vary again") or one of its variations ("Vary this"). */
export function createJobFrom(
  from: JobParent,
  options: JobRequestOptions,
): Promise<{ job: JobView }> {
  return request("/api/jobs", { method: "POST", body: JSON.stringify({ from, ...options }) });
}

/**
 * Reads a job. With `wait`, the API holds the request until the status changes from the one it had
 * on arrival, the job ends, or `wait` seconds pass: one request per change instead of fast polling.
 */
export function getJob(
  id: string,
  options: { wait?: number; signal?: AbortSignal } = {},
): Promise<JobView> {
  const query = options.wait ? `?wait=${options.wait}` : "";
  return request(`/api/jobs/${encodeURIComponent(id)}${query}`, { signal: options.signal });
}

/** The caller's jobs, newest first. */
export async function listJobs(signal?: AbortSignal): Promise<JobView[]> {
  const { jobs } = await request<{ jobs: JobView[] }>("/api/jobs", { signal });
  return jobs;
}

/** Deletes a job and its images. */
export function deleteJob(id: string): Promise<void> {
  return request(`/api/jobs/${encodeURIComponent(id)}`, { method: "DELETE" });
}
