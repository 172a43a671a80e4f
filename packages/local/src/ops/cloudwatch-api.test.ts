/** The local CloudWatch endpoint, driven by the real `@aws-sdk/client-cloudwatch`. */

import { join } from "node:path";
import { apiRequestsQuery } from "@artai/core/metrics";
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
} from "@aws-sdk/client-cloudwatch";
import { afterAll, describe, expect, it } from "vitest";
import { serverForSuite, tempDir } from "../../test/helpers.ts";
import { startCloudWatchApi } from "./cloudwatch-api.ts";
import { MetricStore } from "./metric-store.ts";

const T0 = Date.parse("2026-11-28T12:00:00.000Z");

describe("local CloudWatch API", () => {
  const store = new MetricStore({ file: join(tempDir("cw"), "m.json"), clock: () => T0 });
  // Registered first, so it runs after the server has closed (after-hooks run last in, first out).
  afterAll(async () => store.close());
  const cw = serverForSuite(
    () => startCloudWatchApi({ store }),
    (config) => new CloudWatchClient(config),
  );

  it("answers GetMetricData with per-period statistics, in the order asked", async () => {
    const id = { namespace: "AWS/ApiGateway", name: "Count", dimensions: { ApiId: "local" } };
    for (const offset of [0, 1_000, 61_000, 125_000]) store.put(id, 1, T0 + offset);
    const answer = await cw.client.send(
      new GetMetricDataCommand({
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 180_000),
        ScanBy: "TimestampAscending",
        MetricDataQueries: [
          apiRequestsQuery("requests", "local"),
          apiRequestsQuery("elsewhere", "another-api"),
        ],
      }),
    );
    const [requests, elsewhere] = answer.MetricDataResults ?? [];
    expect(requests?.Id).toBe("requests");
    expect(requests?.StatusCode).toBe("Complete");
    expect(requests?.Timestamps?.map((t) => t.getTime())).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(requests?.Values).toEqual([2, 1, 1]);
    expect(elsewhere?.Values).toEqual([]);
  });

  it("stores PutMetricData samples, statistic sets by count included", async () => {
    await cw.client.send(
      new PutMetricDataCommand({
        Namespace: "ArtAI",
        MetricData: [
          { MetricName: "JobDuration", Unit: "Milliseconds", Value: 1200, Timestamp: new Date(T0) },
          {
            MetricName: "JobDuration",
            Unit: "Milliseconds",
            Values: [800, 2000],
            Counts: [2, 1],
            Timestamp: new Date(T0),
          },
        ],
      }),
    );
    const answer = await cw.client.send(
      new GetMetricDataCommand({
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 60_000),
        MetricDataQueries: ["Average", "Maximum", "SampleCount"].map((stat) => ({
          Id: stat.toLowerCase(),
          MetricStat: {
            Metric: { Namespace: "ArtAI", MetricName: "JobDuration" },
            Period: 60,
            Stat: stat,
          },
        })),
      }),
    );
    expect(answer.MetricDataResults?.map((r) => r.Values?.[0])).toEqual([1200, 2000, 4]);
  });

  it("refuses what CloudWatch refuses, and what it does not emulate, with the SDK's error types", async () => {
    await expect(
      cw.client.send(
        new PutMetricDataCommand({
          Namespace: "AWS/Fake",
          MetricData: [{ MetricName: "x", Value: 1 }],
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterValueException" });
    await expect(cw.client.send(new ListMetricsCommand({}))).rejects.toMatchObject({
      name: "UnknownOperationException",
    });
  });
});
