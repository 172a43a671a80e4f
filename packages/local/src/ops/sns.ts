/**
 * A local SNS topic with the two kinds of subscription ArtAI uses: e-mail (delivered to the local
 * mailbox) and Lambda (the handler invoked in-process with a real SNS-shaped event, retried twice
 * like SNS's asynchronous Lambda delivery). Publishing with per-protocol messages works as with
 * SNS's `MessageStructure: "json"`, which is how CloudWatch sends alarm e-mails their text.
 */
import { randomUUID } from "node:crypto";
import type { SNSEvent } from "aws-lambda";

export type LambdaHandler = (event: SNSEvent) => Promise<unknown>;

interface Subscription {
  arn: string;
  protocol: "email" | "lambda";
  deliver(message: string, subject: string, messageId: string, timestamp: string): Promise<void>;
}

export interface PublishInput {
  subject: string;
  /** `default` for every protocol, optionally overridden per protocol (`email`, `lambda`). */
  message: { default: string; email?: string; lambda?: string };
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

  subscribeEmail(deliver: (subject: string, text: string) => Promise<unknown>) {
    this.subscriptions.push({
      arn: `${this.arn}:${randomUUID()}`,
      protocol: "email",
      deliver: async (message, subject) => {
        await deliver(subject, message);
      },
    });
  }

  subscribeLambda(name: string, handler: LambdaHandler, retries = 2) {
    const arn = `${this.arn}:${randomUUID()}`;
    this.subscriptions.push({
      arn,
      protocol: "lambda",
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

  /** Delivers to every subscription; one failing subscription never stops the others. */
  async publish(input: PublishInput): Promise<{ messageId: string; failed: number }> {
    const messageId = randomUUID();
    const timestamp = new Date(this.clock()).toISOString();
    const results = await Promise.allSettled(
      this.subscriptions.map((s) =>
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
        this.log(
          `delivery to ${this.subscriptions[i]?.protocol} subscription failed: ${String(r.reason)}`,
        );
      }
    });
    return { messageId, failed };
  }
}
