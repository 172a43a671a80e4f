/**
 * Operations and the SageMaker Runtime front: the request metric, its alarm, the alert topic and
 * mailbox (src/ops/), and `InvokeEndpoint` forwarding to the model container through the model
 * metrics' recorder, so each invocation is counted as CloudWatch counts it.
 */
import { startOps } from "../ops/index.ts";
import { startSageMakerRuntime } from "../sagemaker.ts";
import type { ModelLaunch } from "./model.ts";
import { NAMES, REGION } from "./names.ts";
import type { StackContext } from "./types.ts";

export async function startOpsAndSageMaker(
  { dataDir, host, options, log, closers }: StackContext,
  siteUrl: string,
  model: ModelLaunch,
) {
  const ops = await startOps({
    dataDir,
    region: REGION,
    accountId: "000000000000",
    stage: "local",
    host,
    siteUrl,
    modelUrl: model.url,
    endpointName: NAMES.endpoint,
    options: options.ops,
    log,
  });
  closers.push(ops.close);
  const sagemaker = await startSageMakerRuntime({
    endpointName: NAMES.endpoint,
    modelUrl: ops.endpoints.model,
    host,
  });
  closers.push(sagemaker.close);
  return { ops, sagemaker };
}
