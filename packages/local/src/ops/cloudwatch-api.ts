/**
 * The slice of the CloudWatch API (AWS JSON 1.0, as `@aws-sdk/client-cloudwatch` speaks it) that
 * ArtAI's status route calls, `GetMetricData`, plus `PutMetricData`, served from the local metric
 * store. With `AWS_ENDPOINT_URL_CLOUDWATCH` pointing here, the same SDK calls that read CloudWatch
 * on AWS read the local metrics.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import { listen, readBody, sendJson } from "../aws-json.ts";
import type { Datapoint, MetricId, MetricStore } from "./metric-store.ts";

interface Dimension {
  Name: string;
  Value: string;
}
interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions?: Dimension[] };
  Period: number;
  Stat: string;
}
interface Query {
  Id: string;
  MetricStat?: MetricStat;
  Expression?: string;
  Label?: string;
  ReturnData?: boolean;
}

/** Thrown for a request CloudWatch would refuse; answered as a 400 with its error type. */
class CloudWatchError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const STATISTICS: Record<string, (p: Datapoint) => number> = {
  Sum: (p) => p.sum,
  SampleCount: (p) => p.sampleCount,
  Average: (p) => p.sum / p.sampleCount,
  Minimum: (p) => p.minimum,
  Maximum: (p) => p.maximum,
};

const toId = (metric: MetricStat["Metric"]): MetricId => ({
  namespace: metric.Namespace,
  name: metric.MetricName,
  dimensions: Object.fromEntries((metric.Dimensions ?? []).map((d) => [d.Name, d.Value])),
});

/** JSON protocol timestamps are epoch seconds; accept ISO strings too. */
const time = (value: unknown, field: string): number => {
  const ms = typeof value === "number" ? value * 1000 : Date.parse(String(value));
  if (!Number.isFinite(ms))
    throw new CloudWatchError("InvalidParameterValueException", `${field} is not a time.`);
  return ms;
};

export function getMetricData(store: MetricStore, body: Record<string, unknown>) {
  const start = time(body.StartTime, "StartTime");
  const end = time(body.EndTime, "EndTime");
  if (end <= start) {
    throw new CloudWatchError(
      "InvalidParameterValueException",
      "The parameter StartTime must be less than the parameter EndTime.",
    );
  }
  const descending = body.ScanBy !== "TimestampAscending";
  const queries = (body.MetricDataQueries ?? []) as Query[];
  if (queries.length === 0 || queries.length > 500) {
    throw new CloudWatchError(
      "InvalidParameterValueException",
      "MetricDataQueries must hold 1 to 500 queries.",
    );
  }
  const results = queries
    .filter((q) => q.ReturnData !== false)
    .map((q) => {
      if (!q.MetricStat) {
        throw new CloudWatchError(
          "InvalidParameterValueException",
          `Query ${q.Id}: only MetricStat queries are supported locally.`,
        );
      }
      const stat = STATISTICS[q.MetricStat.Stat];
      if (!stat) {
        throw new CloudWatchError(
          "InvalidParameterValueException",
          `Query ${q.Id}: the statistic ${q.MetricStat.Stat} is not supported locally.`,
        );
      }
      const points = store.datapoints(toId(q.MetricStat.Metric), start, end, q.MetricStat.Period);
      if (descending) points.reverse();
      return {
        Id: q.Id,
        Label: q.Label ?? q.MetricStat.Metric.MetricName,
        Timestamps: points.map((p) => p.timestamp / 1000),
        Values: points.map(stat),
        StatusCode: "Complete",
      };
    });
  return { MetricDataResults: results, Messages: [] };
}

export function putMetricData(store: MetricStore, body: Record<string, unknown>) {
  const namespace = String(body.Namespace ?? "");
  if (!namespace || namespace.startsWith("AWS/")) {
    throw new CloudWatchError(
      "InvalidParameterValueException",
      "The value AWS/ for parameter Namespace is invalid.",
    );
  }
  for (const datum of (body.MetricData ?? []) as Record<string, unknown>[]) {
    const id: MetricId = {
      namespace,
      name: String(datum.MetricName),
      dimensions: Object.fromEntries(
        ((datum.Dimensions ?? []) as Dimension[]).map((d) => [d.Name, d.Value]),
      ),
    };
    const at = datum.Timestamp === undefined ? undefined : time(datum.Timestamp, "Timestamp");
    const values = (datum.Values as number[] | undefined) ?? [Number(datum.Value)];
    const counts = (datum.Counts as number[] | undefined) ?? values.map(() => 1);
    values.forEach((value, i) => {
      for (let n = 0; n < (counts[i] ?? 1); n++) store.put(id, value, at);
    });
  }
  return {};
}

export async function startCloudWatchApi(input: {
  store: MetricStore;
  host?: string;
  port?: number;
}) {
  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetMetricData: (body) => getMetricData(input.store, body),
    PutMetricData: (body) => putMetricData(input.store, body),
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown, errorType?: string) =>
      sendJson(res, status, body, errorType);
    try {
      let raw = await readBody(req);
      // The SDK compresses large PutMetricData bodies.
      if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
      const body = JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
      const operation =
        String(req.headers["x-amz-target"] ?? "")
          .split(".")
          .pop() ?? "";
      const handler = operations[operation];
      if (!handler) {
        throw new CloudWatchError(
          "UnknownOperationException",
          `${operation} is not supported by the local CloudWatch.`,
        );
      }
      send(200, handler(body));
    } catch (error) {
      const type = error instanceof CloudWatchError ? error.type : "InvalidParameterValueException";
      send(
        400,
        { __type: `com.amazonaws.cloudwatch#${type}`, message: String((error as Error).message) },
        // Modelled errors also carry their query-compatible code (the name without "Exception").
        type === "UnknownOperationException" ? undefined : type.replace(/Exception$/, ""),
      );
    }
  });
  const { url, close } = await listen(server, input.host, input.port);
  return { url, close };
}
