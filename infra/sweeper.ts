/**
 * The sweeper: every five minutes it fails or re-drives jobs stuck past their deadline
 * (for example when an upload event was lost or a worker timed out), and purges deleted jobs'
 * images once more, in both regions.
 */
import { dataKey, messagingKey, useKey } from "./kms.ts";
import { permissionsOf } from "./permissions.ts";
import { queue } from "./queue.ts";
import { jobs, outputs, replicaLinks, uploads } from "./storage.ts";

export const SWEEP_SCHEDULE = "rate(5 minutes)";

export const sweeper = new sst.aws.CronV2("Sweeper", {
  schedule: SWEEP_SCHEDULE,
  function: {
    handler: "packages/functions/src/sweeper.handler",
    description: "ArtAI sweeper: jobs past their deadline",
    runtime: "nodejs22.x",
    architecture: "arm64",
    timeout: "60 seconds",
    // The pipeline module it shares with the worker imports sharp (native, installed).
    nodejs: { install: ["sharp"] },
    // Uploads: a re-driven job's event names the uploads bucket. Outputs and the replicas: it
    // purges deleted jobs once more, for versions that replicated or were written after the
    // deletion (docs/infra.md#replication).
    link: [jobs, queue, uploads, outputs, ...replicaLinks],
    permissions: [useKey(dataKey), useKey(messagingKey), ...permissionsOf("sweeper")],
  },
});
