/**
 * The subset of the SQS API (AWS JSON 1.0 protocol) that ArtAI's code calls, so the same
 * `@aws-sdk/client-sqs` calls work against the local queues: SendMessage, ReceiveMessage,
 * DeleteMessage, ChangeMessageVisibility, GetQueueAttributes, GetQueueUrl and PurgeQueue.
 *
 * With `iam`, every request's SigV4 signature is verified and its caller authorised for
 * `sqs:<Operation>` on the queue's ARN, before the operation is even looked up (so a function
 * that may not DeleteQueue hears AccessDenied, as on AWS, not "unsupported").
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listen, readBody, sendJson, verifySigned } from "../aws-json.ts";
import type { Authorizer, Credentials } from "../iam/index.ts";
import { JsonSigV4Verifier, SignatureError } from "../iam/sigv4.ts";
import type { LocalQueue } from "./queue.ts";

type Handler = (queue: LocalQueue, input: Record<string, unknown>) => unknown;

/** SQS's errors for a request it could not authenticate (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html). */
const SIGNATURE_ERRORS: Record<SignatureError["reason"], string> = {
  missing: "MissingAuthenticationToken",
  malformed: "IncompleteSignature",
  "unknown-key": "InvalidClientTokenId",
  mismatch: "SignatureDoesNotMatch",
  expired: "RequestExpired",
};

export async function startSqsApi(input: {
  queues: LocalQueue[];
  host?: string;
  port?: number;
  /** Verify signatures and authorise each caller (the local stack's per-function IAM). */
  iam?: { credentials: Credentials[]; authorize: Authorizer; region: string; accountId: string };
}): Promise<{ url: string; queueUrl(name: string): string; close(): Promise<void> }> {
  const byName = new Map(input.queues.map((q) => [q.name, q]));
  let base = "";
  const queueUrl = (name: string) => `${base}/000000000000/${name}`;
  const verifier = input.iam && new JsonSigV4Verifier(input.iam.credentials, "sqs");

  const operations: Record<string, Handler> = {
    SendMessage: (queue, body) => {
      const message = queue.send(String(body.MessageBody ?? ""), Number(body.DelaySeconds ?? 0));
      return { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody };
    },
    ReceiveMessage: async (queue, body) => {
      const max = Math.min(Number(body.MaxNumberOfMessages ?? 1), 10);
      const waitMs = Number(body.WaitTimeSeconds ?? 0) * 1000;
      const visibility =
        body.VisibilityTimeout === undefined ? undefined : Number(body.VisibilityTimeout);
      const deadline = Date.now() + waitMs;
      let messages = queue.receive(max, visibility);
      while (messages.length === 0 && Date.now() < deadline) {
        await queue.waitForMessage(Math.max(deadline - Date.now(), 0));
        messages = queue.receive(max, visibility);
      }
      return {
        Messages: messages.map((m) => ({
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: m.md5OfBody,
          Body: m.body,
          Attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(m.sentAt),
          },
        })),
      };
    },
    DeleteMessage: (queue, body) => {
      queue.delete(String(body.ReceiptHandle));
      return {};
    },
    ChangeMessageVisibility: (queue, body) => {
      queue.changeVisibility(String(body.ReceiptHandle), Number(body.VisibilityTimeout ?? 0));
      return {};
    },
    GetQueueAttributes: (queue) => {
      const stats = queue.stats();
      return {
        Attributes: {
          ApproximateNumberOfMessages: String(stats.visible),
          ApproximateNumberOfMessagesNotVisible: String(stats.inFlight),
          ApproximateNumberOfMessagesDelayed: String(stats.delayed),
          VisibilityTimeout: String(queue.options.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(queue.options.retentionSeconds),
        },
      };
    },
    PurgeQueue: (queue) => {
      queue.purge();
      return {};
    },
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown, errorType?: string) =>
      sendJson(res, status, body, errorType);
    try {
      const raw = await readBody(req);
      const body = JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.replace(/^AmazonSQS\./, "");
      if (input.iam && verifier) {
        let accessKeyId: string;
        try {
          accessKeyId = await verifySigned(verifier, req, raw);
        } catch (error) {
          if (!(error instanceof SignatureError)) throw error;
          const code = SIGNATURE_ERRORS[error.reason];
          return send(
            403,
            { __type: `com.amazon.coral.service#${code}`, message: error.message },
            code,
          );
        }
        const name = String(
          body.QueueName ??
            String(body.QueueUrl ?? "")
              .split("/")
              .pop() ??
            "",
        );
        const { region, accountId } = input.iam;
        const resource = name ? `arn:aws:sqs:${region}:${accountId}:${name}` : "*";
        const decision = input.iam.authorize(accessKeyId, `sqs:${operation}`, resource);
        if (!decision.allowed) {
          // The JSON protocol's AccessDeniedException (HTTP 400); the query-compatibility header
          // makes the SDK name it `AccessDenied`, as the query protocol did.
          return send(
            400,
            { __type: "com.amazon.coral.service#AccessDeniedException", message: decision.message },
            "AccessDenied",
          );
        }
      }
      if (operation === "GetQueueUrl") {
        const name = String(body.QueueName);
        if (!byName.has(name)) {
          return send(
            400,
            {
              __type: "com.amazonaws.sqs#QueueDoesNotExist",
              message: `The specified queue ${name} does not exist.`,
            },
            "AWS.SimpleQueueService.NonExistentQueue",
          );
        }
        return send(200, { QueueUrl: queueUrl(name) });
      }
      const handler = operations[operation];
      if (!handler) {
        return send(
          400,
          {
            __type: "com.amazonaws.sqs#UnsupportedOperation",
            message: `${operation} is not supported by the local queue.`,
          },
          "AWS.SimpleQueueService.UnsupportedOperation",
        );
      }
      const name =
        String(body.QueueUrl ?? "")
          .split("/")
          .pop() ?? "";
      const queue = byName.get(name);
      if (!queue) {
        return send(
          400,
          {
            __type: "com.amazonaws.sqs#QueueDoesNotExist",
            message: `The specified queue ${name} does not exist.`,
          },
          "AWS.SimpleQueueService.NonExistentQueue",
        );
      }
      send(200, await handler(queue, body));
    } catch (error) {
      send(400, { __type: "com.amazonaws.sqs#InvalidParameterValue", message: String(error) });
    }
  });
  const { url, close } = await listen(server, input.host, input.port);
  base = url;
  return {
    url: base,
    queueUrl,
    close,
  };
}
