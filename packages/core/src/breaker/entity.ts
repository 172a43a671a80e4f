import { immutable, onJobsTable, primaryKey, required, updatedAt } from "../aws/table.ts";

/**
 * The spend breaker's flag, one item per breaker on the Jobs table. `alarmTime` is the
 * `StateChangeTime` of the alarm notification that last set it, so a late or repeated SNS
 * delivery can never undo a newer one.
 */
export const breakers = onJobsTable({
  model: { entity: "breaker", version: "1", service: "artai" },
  attributes: {
    name: immutable("string"),
    paused: required("boolean"),
    /** The alarm's state change time (ISO 8601) that decided `paused`. */
    alarmTime: required("string"),
    alarmName: { type: "string" },
    reason: { type: "string" },
    updatedAt,
  },
  indexes: {
    byName: primaryKey(["name"]),
  },
});
