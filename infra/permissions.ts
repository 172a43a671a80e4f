/**
 * Every function's IAM policy, written from the one table in
 * packages/core/src/contract/permissions.ts (function → resource → actions, each with its why).
 * Links carry properties only (infra/iam.ts), so a function's role allows exactly the table's
 * rows, plus the KMS keys it uses (infra/kms.ts). The local stack enforces the same table.
 */
import {
  type FunctionName,
  PERMISSIONS,
  type ResourceName,
  scopedArn,
} from "../packages/core/src/contract/permissions.ts";
import { inference } from "./model.ts";
import { deadLetterQueue, queue } from "./queue.ts";
import { jobs, outputs, outputsReplica, uploads, uploadsReplica } from "./storage.ts";

/**
 * The ARN of each resource the table names. The model endpoint exists in deployed stages only:
 * under `sst dev` the worker calls the local model server, and no InvokeEndpoint is granted.
 */
const RESOURCE_ARNS: Record<ResourceName, $util.Input<string> | undefined> = {
  Uploads: uploads.arn,
  Outputs: outputs.arn,
  UploadsReplica: uploadsReplica.bucket.arn,
  OutputsReplica: outputsReplica.bucket.arn,
  Jobs: jobs.arn,
  Queue: queue.arn,
  DeadLetterQueue: deadLetterQueue.arn,
  Model: inference?.endpoint.arn,
};

/** The `permissions` of function `fn`: one statement per row of its table, on its ARN. */
export function permissionsOf(fn: FunctionName) {
  return PERMISSIONS[fn].flatMap((grant) => {
    const base = grant.resource === "*" ? "*" : RESOURCE_ARNS[grant.resource];
    if (base === undefined) return [];
    return [
      sst.aws.permission({
        actions: [...grant.actions],
        resources: [$output(base).apply((arn) => scopedArn(grant.scope, arn))],
      }),
    ];
  });
}
