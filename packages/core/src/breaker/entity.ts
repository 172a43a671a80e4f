import { Entity } from "electrodb";
import { Resource } from "sst";
import { dynamo } from "../aws/index.ts";

/**
 * The spend breaker's flag, one item per breaker on the Jobs table. `alarmTime` is the
 * `StateChangeTime` of the alarm notification that last set it, so a late or repeated SNS
 * delivery can never undo a newer one.
 */
export const BreakerEntity = () =>
  new Entity(
    {
      model: { entity: "breaker", version: "1", service: "artai" },
      attributes: {
        name: { type: "string", required: true, readOnly: true },
        paused: { type: "boolean", required: true },
        /** The alarm's state change time (ISO 8601) that decided `paused`. */
        alarmTime: { type: "string", required: true },
        alarmName: { type: "string" },
        reason: { type: "string" },
        updatedAt: {
          type: "string",
          required: true,
          readOnly: true,
          watch: "*",
          default: () => new Date().toISOString(),
          set: () => new Date().toISOString(),
        },
      },
      indexes: {
        byName: {
          pk: { field: "pk", composite: ["name"] },
          sk: { field: "sk", composite: [] },
        },
      },
    },
    { table: Resource.Jobs.name, client: dynamo() },
  );
