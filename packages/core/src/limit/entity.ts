import { immutable, onJobsTable, primaryKey, required } from "../aws/table.ts";

export const ACTIONS = ["create", "read"] as const;

/** One token bucket per client address and action, on the Jobs table (see limit/index.ts). */
export const buckets = onJobsTable({
  model: { entity: "ratebucket", version: "1", service: "artai" },
  attributes: {
    action: immutable(ACTIONS),
    client: immutable("string"),
    /** Epoch ms at which the bucket is full again; it never lags behind "now" by more than a refill. */
    tat: required("number"),
    /** Epoch seconds after which the item is useless (a TTL attribute where the table has one). */
    expiresAt: { type: "number" },
  },
  indexes: {
    byClient: primaryKey(["action", "client"]),
  },
});
