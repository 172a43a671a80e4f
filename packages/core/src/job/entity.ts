import { Entity } from "electrodb";
import { Resource } from "sst";
import { dynamo } from "../aws/index.ts";
import { DEFAULT_STYLE, STATUSES, STRENGTHS, STYLE_IDS } from "../contract/index.ts";

const now = () => new Date().toISOString();

/**
 * One job: an uploaded image and the variations made from it. The single table holds it under
 * `pk/sk`; `byOwner` (gsi1) lists an owner's jobs newest first; `byStatus` (gsi2) lets the sweeper
 * find jobs that have sat in one status for too long.
 */
export const JobEntity = () =>
  new Entity(
    {
      model: { entity: "job", version: "1", service: "artai" },
      attributes: {
        id: { type: "string", required: true, readOnly: true },
        ownerId: { type: "string", required: true, readOnly: true },
        status: { type: STATUSES, required: true, default: "queued" },
        variations: { type: "number", required: true, readOnly: true },
        strength: { type: STRENGTHS, required: true, readOnly: true },
        seed: { type: "number", required: true, readOnly: true },
        /** Jobs made before styles existed have none: they were photo variations. */
        style: { type: STYLE_IDS, required: true, readOnly: true, default: DEFAULT_STYLE },
        inputKey: { type: "string", required: true, readOnly: true },
        /** The content type the owner declared when asking to upload. */
        inputContentType: { type: "string", required: true, readOnly: true },
        /** The object version the worker read, so a later overwrite never changes a finished job. */
        inputVersionId: { type: "string" },
        /** The S3 event sequencer of the upload being processed (orders events per key). */
        sequencer: { type: "string" },
        outputs: {
          type: "list",
          items: {
            type: "map",
            properties: {
              index: { type: "number", required: true },
              key: { type: "string", required: true },
              width: { type: "number", required: true },
              height: { type: "number", required: true },
              seed: { type: "number", required: true },
              contentType: { type: "string", required: true },
              /** The medium of this variation (jobs older than styles have none: photo). */
              style: { type: "string" },
            },
          },
        },
        error: {
          type: "map",
          properties: {
            code: { type: "string", required: true },
            message: { type: "string", required: true },
          },
        },
        parentJobId: { type: "string", readOnly: true },
        parentVariation: { type: "number", readOnly: true },
        attempts: { type: "number", default: 0 },
        /** While `processing`, no other delivery may take the job before this time (epoch ms). */
        leaseUntil: { type: "number" },
        /** A `queued` job whose upload has not arrived by this time (epoch ms) has expired. */
        uploadExpiresAt: { type: "number", required: true, readOnly: true },
        startedAt: { type: "string" },
        finishedAt: { type: "string" },
        createdAt: {
          type: "string",
          readOnly: true,
          required: true,
          default: now,
          set: () => now(),
        },
        updatedAt: {
          type: "string",
          required: true,
          readOnly: true,
          watch: "*",
          default: now,
          set: () => now(),
        },
      },
      indexes: {
        byId: {
          pk: { field: "pk", composite: ["id"] },
          sk: { field: "sk", composite: [] },
        },
        byOwner: {
          index: "gsi1",
          pk: { field: "gsi1pk", composite: ["ownerId"] },
          sk: { field: "gsi1sk", composite: ["createdAt", "id"] },
        },
        byStatus: {
          index: "gsi2",
          pk: { field: "gsi2pk", composite: ["status"] },
          sk: { field: "gsi2sk", composite: ["updatedAt", "id"] },
        },
      },
    },
    { table: Resource.Jobs.name, client: dynamo() },
  );

export type JobItem = NonNullable<
  Awaited<ReturnType<ReturnType<ReturnType<typeof JobEntity>["get"]>["go"]>>["data"]
>;
