/** Reads the local stack's mailbox with a real e-mail parser, as an operator's mail client would. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";

export interface ReceivedMail {
  file: string;
  subject?: string;
  from?: string;
  to?: string;
  date?: Date;
  messageId?: string;
  mimeVersion?: string;
  contentType?: string;
  body: string;
}

/** The `.eml` files in `<dataDir>/mail`, oldest first. */
export async function mails(dataDir: string): Promise<ReceivedMail[]> {
  const dir = join(dataDir, "mail");
  let files: string[] = [];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith(".eml"))
      .sort();
  } catch {}
  return Promise.all(
    files.map(async (file) => {
      const parsed = await simpleParser(readFileSync(join(dir, file)));
      const address = (value: typeof parsed.from | typeof parsed.to) =>
        Array.isArray(value) ? value.map((v) => v.text).join(", ") : value?.text;
      return {
        file,
        subject: parsed.subject,
        from: address(parsed.from),
        to: address(parsed.to),
        date: parsed.date,
        messageId: parsed.messageId,
        mimeVersion: parsed.headers.get("mime-version") as string | undefined,
        contentType: (parsed.headers.get("content-type") as { value?: string } | undefined)?.value,
        body: parsed.text ?? "",
      };
    }),
  );
}
