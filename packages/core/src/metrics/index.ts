/**
 * ArtAI's operational numbers. Application metrics (jobs created, succeeded, failed, and job
 * duration) go out as CloudWatch embedded metric format through Powertools Metrics: one JSON line
 * on stdout, which Lambda's log pipeline turns into CloudWatch metrics and which reads just as
 * well in a terminal. `status()` gathers what the operators' status page shows from the
 * same AWS APIs everywhere: CloudWatch `GetMetricData`, SQS `GetQueueAttributes` and the Jobs table.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { Resource } from "sst";
import { sqs } from "../aws/index.ts";
import * as Breaker from "../breaker/index.ts";
import {
  type Percentiles,
  type QueueDepth,
  REQUEST_ALARM_THRESHOLD,
  type StatusView,
} from "../contract/index.ts";
import * as Job from "../job/index.ts";
import "./links.ts";

export const NAMESPACE = "ArtAI";

let cloudwatchClient: CloudWatchClient | undefined;
/** CloudWatch, at `AWS_ENDPOINT_URL_CLOUDWATCH` when that is set. */
const cloudwatch = () => {
  cloudwatchClient ??= new CloudWatchClient({});
  return cloudwatchClient;
};

/** The Powertools Metrics instance; every metric carries the `service` dimension `artai`. */
export const metrics = new Metrics({ namespace: NAMESPACE, serviceName: "artai" });

/** Records one job created through the API. */
export function jobCreated(): void {
  metrics.addMetric("JobsCreated", MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}

/**
 * Records a job that reached a final status, and how long it took from creation (the upload
 * link) to that moment. Call it once, from the delivery that finished the job.
 */
export function jobFinished(
  outcome: "succeeded" | "failed",
  job: { createdAt: string },
  now = Date.now(),
): void {
  metrics.addMetric(outcome === "succeeded" ? "JobsSucceeded" : "JobsFailed", MetricUnit.Count, 1);
  const duration = now - Date.parse(job.createdAt);
  if (Number.isFinite(duration) && duration >= 0) {
    metrics.addMetric("JobDuration", MetricUnit.Milliseconds, duration);
  }
  metrics.publishStoredMetrics();
}

/** The 24-hour request count above which the alarm fires: `ARTAI_ALARM_THRESHOLD`, or the contract's. */
export const alarmThreshold = () =>
  Number(process.env.ARTAI_ALARM_THRESHOLD ?? String(REQUEST_ALARM_THRESHOLD));

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Whether `token` is the operators' status token (compared in constant time). */
export function authorize(token: string | undefined): boolean {
  const expected = Resource.StatusToken.value;
  if (!token || !expected) return false;
  return timingSafeEqual(digest(token), digest(expected));
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Nearest-rank percentiles of a list of durations. */
export function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: rank(50), p90: rank(90), p99: rank(99) };
}

/** Sums per-minute datapoints into 24 hourly buckets ending at `now`, oldest first. */
export function hourly(
  points: { timestamp: number; value: number }[],
  now: number,
): { start: string; count: number }[] {
  const buckets = Array.from({ length: 24 }, (_, i) => ({
    start: now - DAY + i * HOUR,
    count: 0,
  }));
  for (const point of points) {
    const index = Math.floor((point.timestamp - (now - DAY)) / HOUR);
    const bucket = buckets[index];
    if (bucket) bucket.count += point.value;
  }
  return buckets.map((b) => ({ start: new Date(b.start).toISOString(), count: b.count }));
}

/** API Gateway's request count for one API, summed per minute, as the status route reads it. */
export const apiRequestsQuery = (id: string, apiId: string): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: "AWS/ApiGateway",
      MetricName: "Count",
      Dimensions: [{ Name: "ApiId", Value: apiId }],
    },
    Period: 60,
    Stat: "Sum",
  },
});

async function requestsAndModel(apiId: string, now: number) {
  const dayStart = Math.floor((now - DAY) / 60_000) * 60_000;
  const endpoint = [
    { Name: "EndpointName", Value: Resource.Model.endpointName },
    { Name: "VariantName", Value: "AllTraffic" },
  ];
  const sagemaker = (id: string, name: string, stat: string): MetricDataQuery => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: "AWS/SageMaker", MetricName: name, Dimensions: endpoint },
      Period: 3600,
      Stat: stat,
    },
  });
  const answer = await cloudwatch().send(
    new GetMetricDataCommand({
      StartTime: new Date(dayStart),
      EndTime: new Date(now),
      ScanBy: "TimestampAscending",
      MetricDataQueries: [
        apiRequestsQuery("requests", apiId),
        sagemaker("invocations", "Invocations", "Sum"),
        sagemaker("errors5xx", "Invocation5XXErrors", "Sum"),
        sagemaker("errors4xx", "Invocation4XXErrors", "Sum"),
        sagemaker("latency", "ModelLatency", "Average"),
      ],
    }),
  );
  const series = (id: string) => {
    const result = answer.MetricDataResults?.find((r) => r.Id === id);
    return (result?.Timestamps ?? []).map((t, i) => ({
      timestamp: t.getTime(),
      value: result?.Values?.[i] ?? 0,
    }));
  };
  // The model section looks at the last hour only.
  const lastHour = (id: string) => series(id).filter((p) => p.timestamp >= now - HOUR);
  const sum = (points: { value: number }[]) => points.reduce((s, p) => s + p.value, 0);

  const requestPoints = series("requests");
  const last24h = sum(requestPoints.filter((p) => p.timestamp >= now - DAY));
  const threshold = alarmThreshold();
  const invocations = sum(lastHour("invocations"));
  const errors5xx = sum(lastHour("errors5xx"));
  const errors4xx = sum(lastHour("errors4xx"));
  const latency = lastHour("latency").at(-1)?.value;
  return {
    requests: {
      last24h,
      threshold,
      state: last24h > threshold ? ("ALARM" as const) : ("OK" as const),
      hourly: hourly(requestPoints, now),
    },
    model: {
      health:
        invocations === 0
          ? ("idle" as const)
          : errors5xx > 0
            ? ("degraded" as const)
            : ("healthy" as const),
      invocations,
      errors5xx,
      errors4xx,
      // SageMaker reports ModelLatency in microseconds.
      latencyMs: latency === undefined ? null : Math.round(latency / 1000),
    },
  };
}

async function queueDepth(url: string): Promise<QueueDepth> {
  const answer = await sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
      ],
    }),
  );
  const n = (name: string) => Number(answer.Attributes?.[name as never] ?? 0);
  return {
    visible: n("ApproximateNumberOfMessages"),
    inFlight: n("ApproximateNumberOfMessagesNotVisible"),
    delayed: n("ApproximateNumberOfMessagesDelayed"),
  };
}

async function finishedJobs(now: number) {
  const since = new Date(now - DAY).toISOString();
  const [succeeded, failed] = await Promise.all(
    (["succeeded", "failed"] as const).map((status) => Job.listChangedSince(status, since)),
  );
  const total: number[] = [];
  const processing: number[] = [];
  for (const job of succeeded ?? []) {
    const finished = Date.parse(job.finishedAt ?? "");
    if (Number.isNaN(finished)) continue;
    total.push(finished - Date.parse(job.createdAt));
    if (job.startedAt) processing.push(finished - Date.parse(job.startedAt));
  }
  return {
    succeeded: succeeded?.length ?? 0,
    failed: failed?.length ?? 0,
    total: percentiles(total),
    processing: percentiles(processing),
  };
}

/**
 * Everything the status page shows. `apiId` is the HTTP API whose `Count` the request alarm
 * watches (the API handler reads it from its own request context). A section that cannot be read
 * is `null`, with the reason in `problems`, so one outage never blanks the whole page.
 */
export async function status(input: { apiId: string; now?: number }): Promise<StatusView> {
  const now = input.now ?? Date.now();
  const problems: string[] = [];
  const attempt = async <T>(name: string, work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (error) {
      problems.push(`${name}: ${(error as Error).name}: ${(error as Error).message}`);
      return null;
    }
  };
  const [cw, breaker, jobsQueue, deadLetter, jobs] = await Promise.all([
    attempt("metrics", () => requestsAndModel(input.apiId, now)),
    attempt("breaker", () => Breaker.state()),
    attempt("queue", () => queueDepth(Resource.Queue.url)),
    attempt("dead-letter queue", () => queueDepth(Resource.DeadLetterQueue.url)),
    attempt("jobs", () => finishedJobs(now)),
  ]);
  return {
    generatedAt: new Date(now).toISOString(),
    requests: cw?.requests ?? null,
    breaker: breaker ? { paused: breaker.paused, since: breaker.since } : null,
    queues: jobsQueue && deadLetter ? { jobs: jobsQueue, deadLetter } : null,
    jobs,
    model: cw?.model ?? null,
    problems,
  };
}
