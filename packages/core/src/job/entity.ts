import {
  createdAt,
  immutable,
  onJobsTable,
  primaryKey,
  required,
  secondaryKey,
  updatedAt,
} from "../aws/table.ts";
import { DEFAULT_STYLE, STATUSES, STRENGTHS, STYLE_IDS } from "../contract/index.ts";

/**
 * One job: an uploaded image and the variations made from it. The single table holds it under
 * `pk/sk`; `byOwner` (gsi1) lists an owner's jobs newest first; `byStatus` (gsi2) lets the sweeper
 * find jobs that have sat in one status for too long.
 */
export const jobs = onJobsTable({
  model: { entity: "job", version: "1", service: "artai" },
  attributes: {
    id: immutable("string"),
    ownerId: immutable("string"),
    status: { type: STATUSES, required: true, default: "queued" },
    variations: immutable("number"),
    strength: immutable(STRENGTHS),
    seed: immutable("number"),
    /** Jobs made before styles existed have none: they were photo variations. */
    style: { type: STYLE_IDS, required: true, readOnly: true, default: DEFAULT_STYLE },
    inputKey: immutable("string"),
    /** The content type the owner declared when asking to upload. */
    inputContentType: immutable("string"),
    /** The object version the worker read, so a later overwrite never changes a finished job. */
    inputVersionId: { type: "string" },
    /** The S3 event sequencer of the upload being processed (orders events per key). */
    sequencer: { type: "string" },
    outputs: {
      type: "list",
      items: {
        type: "map",
        properties: {
          index: required("number"),
          key: required("string"),
          width: required("number"),
          height: required("number"),
          seed: required("number"),
          contentType: required("string"),
          /** The medium of this variation (jobs older than styles have none: photo). */
          style: { type: "string" },
        },
      },
    },
    error: {
      type: "map",
      properties: {
        code: required("string"),
        message: required("string"),
      },
    },
    parentJobId: { type: "string", readOnly: true },
    parentVariation: { type: "number", readOnly: true },
    attempts: { type: "number", default: 0 },
    /** While `processing`, no other delivery may take the job before this time (epoch ms). */
    leaseUntil: { type: "number" },
    /** A `queued` job whose upload has not arrived by this time (epoch ms) has expired. */
    uploadExpiresAt: immutable("number"),
    startedAt: { type: "string" },
    finishedAt: { type: "string" },
    createdAt,
    updatedAt,
  },
  indexes: {
    byId: primaryKey(["id"]),
    byOwner: secondaryKey("gsi1", ["ownerId"], ["createdAt", "id"]),
    byStatus: secondaryKey("gsi2", ["status"], ["updatedAt", "id"]),
  },
});

export type JobItem = NonNullable<
  Awaited<ReturnType<ReturnType<ReturnType<typeof jobs>["get"]>["go"]>>["data"]
>;
