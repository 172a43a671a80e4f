/** Consumes the jobs queue (S3 ObjectCreated notifications) with partial batch responses. */
import * as Pipeline from "@artai/core/pipeline";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> =>
  Pipeline.processBatch(event.Records);
