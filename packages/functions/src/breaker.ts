/**
 * The spend breaker, subscribed to the alarm topic: a CloudWatch alarm notification arriving
 * through SNS pauses (ALARM) or resumes (OK) new job creation (see Breaker.apply).
 */
import * as Breaker from "@artai/core/breaker";
import type { SNSEvent } from "aws-lambda";

export const handler = async (event: SNSEvent) =>
  Breaker.applyMessages(event.Records.map((record) => record.Sns.Message));
