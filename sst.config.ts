/// <reference path="./.sst/platform/config.d.ts" />

/**
 * ArtAI on AWS. Every resource lives in one `infra/*.ts` file per concern; this file only
 * wires them together and returns the outputs operators need.
 */
export default $config({
  app(input) {
    // Kept in step with PRODUCTION_STAGES in infra/config.ts (app() runs before any import).
    const production = input?.stage === "production";
    return {
      name: "artai",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
      providers: {
        aws: { version: "7.20.0" },
        "docker-build": { version: "0.0.14" },
      },
    };
  },
  async run() {
    await import("./infra/iam.ts");
    const { dataKey } = await import("./infra/kms.ts");
    const { router } = await import("./infra/edge.ts");
    await import("./infra/network.ts");
    const storage = await import("./infra/storage.ts");
    const { uploads, outputs, jobs } = storage;
    const { queue, deadLetterQueue } = await import("./infra/queue.ts");
    const { model } = await import("./infra/model.ts");
    const { api } = await import("./infra/api.ts");
    await import("./infra/worker.ts");
    await import("./infra/sweeper.ts");
    const { alerts, dashboard } = await import("./infra/monitoring.ts");
    await import("./infra/web.ts");

    return {
      url: router.url,
      api: api.url,
      uploads: uploads.name,
      outputs: outputs.name,
      jobs: jobs.name,
      queue: queue.url,
      deadLetterQueue: deadLetterQueue.url,
      modelEndpoint: model.properties.endpointName,
      dashboard: dashboard.dashboardName,
      alerts: alerts.arn,
      dataKey: dataKey.arn,
      replicaRegion: storage.replicaProvider.region,
      uploadsReplica: storage.uploadsReplica.bucket.bucket,
      outputsReplica: storage.outputsReplica.bucket.bucket,
    };
  },
});
