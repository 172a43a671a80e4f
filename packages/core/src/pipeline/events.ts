import { z } from "zod";

const S3Record = z.object({
  eventName: z.string(),
  eventSource: z.string().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});
export type S3Record = z.infer<typeof S3Record>;

const TestEvent = z.object({ Event: z.literal("s3:TestEvent") });
const Notification = z.object({ Records: z.array(S3Record).min(1) });

export type Message = { kind: "test" } | { kind: "records"; records: S3Record[] };

/** Parses an SQS message body holding an S3 notification; throws on anything else. */
export function parseMessage(body: string): Message {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error("message body is not JSON");
  }
  if (TestEvent.safeParse(json).success) return { kind: "test" };
  const parsed = Notification.safeParse(json);
  if (!parsed.success) {
    throw new Error(`message is not an S3 notification: ${parsed.error.issues[0]?.message}`);
  }
  return { kind: "records", records: parsed.data.Records };
}
