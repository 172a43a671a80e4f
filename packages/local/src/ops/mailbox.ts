/**
 * Local e-mail delivery: each message is built as a real RFC 5322 message by nodemailer (its
 * stream transport, in buffer mode) and written as an `.eml` file that any mail client opens.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import nodemailer from "nodemailer";
import { writeAtomic } from "../util.ts";

export interface Mail {
  to: string;
  subject: string;
  text: string;
  date?: Date;
  headers?: Record<string, string>;
}

export class Mailbox {
  private readonly transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: "unix",
  });
  private sequence = 0;

  constructor(
    readonly dir: string,
    readonly from: string,
    private readonly log: (line: string) => void = () => {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  /** Builds the message and writes it to the mail directory; returns the file's path. */
  async send(mail: Mail): Promise<string> {
    const date = mail.date ?? new Date();
    const info = await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      date,
      headers: mail.headers,
    });
    const stamp = date.toISOString().replace(/[:.]/g, "-");
    // The subject's words, up to 80 characters, so the mailbox lists readably.
    let slug = "";
    for (const word of mail.subject.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
      const longer = slug ? `${slug}-${word}` : word;
      if (longer.length > 80) break;
      slug = longer;
    }
    const file = join(this.dir, `${stamp}-${++this.sequence}-${slug}.eml`);
    await writeAtomic(file, info.message as Buffer);
    this.log(`mail to ${mail.to}: "${mail.subject}" → ${file}`);
    return file;
  }
}
