/**
 * A local SNS topic with the two kinds of subscription ArtAI uses: e-mail (delivered to the local
 * mailbox) and Lambda (the handler invoked in-process with a real SNS-shaped event, retried twice
 * like SNS's asynchronous Lambda delivery). Publishing with per-protocol messages works as with
 * SNS's `MessageStructure: "json"`, which is how CloudWatch sends alarm e-mails their text.
 *
 * A subscription may carry a filter policy; as SNS does, a message the policy does not match is not
 * delivered to that subscription at all (filter-policy.ts). The policy is checked against the message
 * that subscription would receive (its protocol's message, or the default).
 */
import { randomUUID } from "node:crypto";
import type { SNSEvent } from "aws-lambda";
import {
  type FilterPolicyInput,
  type MessageAttribute,
  matchesFilterPolicy,
  validateFilterPolicy,
} from "./filter-policy.ts";

export type LambdaHandler = (event: SNSEvent) => Promise<unknown>;

interface Subscription {
  arn: string;
  protocol: "email" | "lambda";
  filter?: FilterPolicyInput;
  deliver(message: string, subject: string, messageId: string, timestamp: string): Promise<void>;
}

export interface PublishInput {
  subject: string;
  /** `default` for every protocol, optionally overridden per protocol (`email`, `lambda`). */
  message: { default: string; email?: string; lambda?: string };
  /** Message attributes, which a filter policy of the `MessageAttributes` scope reads. */
  attributes?: Record<string, MessageAttribute>;
}

export interface SubscribeOptions {
  /** SNS's `FilterPolicy` and `FilterPolicyScope` for this subscription. */
  filter?: FilterPolicyInput;
}

export class LocalTopic {
  readonly arn: string;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    readonly name: string,
    readonly region: string,
    readonly accountId: string,
    private readonly log: (line: string) => void = () => {},
    private readonly clock: () => number = Date.now,
  ) {
    this.arn = `arn:aws:sns:${region}:${accountId}:${name}`;
  }

  subscribeEmail(
    deliver: (subject: string, text: string) => Promise<unknown>,
    options: SubscribeOptions = {},
  ) {
    if (options.filter) validateFilterPolicy(options.filter);
    this.subscriptions.push({
      arn: `${this.arn}:${randomUUID()}`,
      protocol: "email",
      filter: options.filter,
      deliver: async (message, subject) => {
        await deliver(subject, message);
      },
    });
  }

  /**
   * Subscribes a Lambda handler. A filter policy is validated here, as SNS's `Subscribe` does, so an
   * operator the local topic cannot apply fails at start-up rather than filtering wrongly.
   */
  subscribeLambda(
    name: string,
    handler: LambdaHandler,
    options: SubscribeOptions & { retries?: number } = {},
  ) {
    const retries = options.retries ?? 2;
    if (options.filter) validateFilterPolicy(options.filter);
    const arn = `${this.arn}:${randomUUID()}`;
    this.subscriptions.push({
      arn,
      protocol: "lambda",
      filter: options.filter,
      deliver: async (message, subject, messageId, timestamp) => {
        const event: SNSEvent = {
          Records: [
            {
              EventVersion: "1.0",
              EventSubscriptionArn: arn,
              EventSource: "aws:sns",
              Sns: {
                Type: "Notification",
                MessageId: messageId,
                TopicArn: this.arn,
                Subject: subject,
                Message: message,
                Timestamp: timestamp,
                SignatureVersion: "1",
                Signature: "",
                SigningCertUrl: "",
                UnsubscribeUrl: "",
                MessageAttributes: {},
              },
            },
          ],
        };
        for (let attempt = 0; ; attempt++) {
          try {
            await handler(event);
            return;
          } catch (error) {
            if (attempt >= retries) throw error;
            this.log(`${name} failed (attempt ${attempt + 1}); retrying: ${String(error)}`);
            await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
          }
        }
      },
    });
  }

  /**
   * Delivers to every subscription whose filter policy (if any) matches; one failing subscription
   * never stops the others. `filtered` counts the subscriptions the policy kept the message from.
   */
  async publish(
    input: PublishInput,
  ): Promise<{ messageId: string; delivered: number; filtered: number; failed: number }> {
    const messageId = randomUUID();
    const timestamp = new Date(this.clock()).toISOString();
    const targets = this.subscriptions.filter(
      (s) =>
        !s.filter ||
        matchesFilterPolicy(s.filter, {
          body: input.message[s.protocol] ?? input.message.default,
          attributes: input.attributes,
        }),
    );
    const results = await Promise.allSettled(
      targets.map((s) =>
        s.deliver(
          input.message[s.protocol] ?? input.message.default,
          input.subject,
          messageId,
          timestamp,
        ),
      ),
    );
    let failed = 0;
    results.forEach((r, i) => {
      if (r.status === "rejected") {
        failed++;
        this.log(`delivery to ${targets[i]?.protocol} subscription failed: ${String(r.reason)}`);
      }
    });
    return {
      messageId,
      delivered: targets.length - failed,
      filtered: this.subscriptions.length - targets.length,
      failed,
    };
  }
}
