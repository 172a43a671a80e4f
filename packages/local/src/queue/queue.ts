/**
 * A queue with SQS's delivery semantics: at-least-once, a visibility timeout per receive, a receive
 * count, and a dead-letter queue after `maxReceiveCount`. State is written to disk on every change,
 * so messages survive a restart of the stack.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeAtomic } from "../util.ts";

export interface QueueMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
}

export interface QueueOptions {
  name: string;
  /** Where the queue keeps its state; omitted, the queue lives in memory only. */
  file?: string;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  deadLetter?: { queue: LocalQueue; maxReceiveCount: number };
  now?: () => number;
}

export class LocalQueue {
  readonly name: string;
  readonly options: QueueOptions;
  private messages = new Map<string, QueueMessage>();
  private waiters = new Set<() => void>();
  private writing: Promise<void> = Promise.resolve();
  private now: () => number;

  constructor(options: QueueOptions) {
    this.options = options;
    this.name = options.name;
    this.now = options.now ?? Date.now;
    if (options.file && existsSync(options.file)) {
      const saved = JSON.parse(readFileSync(options.file, "utf8")) as QueueMessage[];
      for (const message of saved) this.messages.set(message.messageId, message);
    }
  }

  /** Adds a message; returns its id. */
  send(body: string, delaySeconds = 0): QueueMessage {
    const message: QueueMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: createHash("md5").update(body).digest("hex"),
      sentAt: this.now(),
      visibleAt: this.now() + delaySeconds * 1000,
      receiveCount: 0,
    };
    this.messages.set(message.messageId, message);
    this.changed();
    return message;
  }

  /**
   * Receives up to `max` visible messages and hides them for the visibility timeout. A message
   * that has already been received `maxReceiveCount` times goes to the dead-letter queue instead.
   */
  receive(max: number, visibilityTimeoutSeconds = this.options.visibilityTimeoutSeconds) {
    const now = this.now();
    const out: QueueMessage[] = [];
    for (const message of [...this.messages.values()].sort((a, b) => a.sentAt - b.sentAt)) {
      if (out.length >= max) break;
      if (message.visibleAt > now) continue;
      if (now - message.sentAt > this.options.retentionSeconds * 1000) {
        this.messages.delete(message.messageId);
        continue;
      }
      const dlq = this.options.deadLetter;
      if (dlq && message.receiveCount >= dlq.maxReceiveCount) {
        this.messages.delete(message.messageId);
        dlq.queue.adopt({ ...message, visibleAt: now, receiptHandle: undefined });
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilityTimeoutSeconds * 1000;
      message.receiptHandle = `${message.messageId}:${randomUUID()}`;
      out.push({ ...message });
    }
    this.changed(false);
    return out;
  }

  /** Deletes a received message. A stale receipt handle (the message was received again) is ignored, as in SQS. */
  delete(receiptHandle: string): boolean {
    const message = this.byReceipt(receiptHandle);
    if (!message) return false;
    this.messages.delete(message.messageId);
    this.changed(false);
    return true;
  }

  /** Makes a received message visible again after `seconds`. */
  changeVisibility(receiptHandle: string, seconds: number): boolean {
    const message = this.byReceipt(receiptHandle);
    if (!message) return false;
    message.visibleAt = this.now() + seconds * 1000;
    this.changed();
    return true;
  }

  purge() {
    this.messages.clear();
    this.changed(false);
  }

  /** Counts as SQS reports them: visible, in flight (received, not deleted), and delayed. */
  stats() {
    const now = this.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const m of this.messages.values()) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed, total: this.messages.size };
  }

  list(): QueueMessage[] {
    return [...this.messages.values()].map((m) => ({ ...m }));
  }

  /** Resolves when a message may have become receivable, or after `ms`. */
  waitForMessage(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** Waits until pending writes are on disk. */
  flush() {
    return this.writing;
  }

  private adopt(message: QueueMessage) {
    this.messages.set(message.messageId, message);
    this.changed();
  }

  private byReceipt(receiptHandle: string) {
    const id = receiptHandle.split(":")[0] ?? "";
    const message = this.messages.get(id);
    return message && message.receiptHandle === receiptHandle ? message : undefined;
  }

  private changed(wake = true) {
    if (wake) for (const waiter of [...this.waiters]) waiter();
    const file = this.options.file;
    if (!file) return;
    const snapshot = JSON.stringify([...this.messages.values()]);
    this.writing = this.writing.then(() => writeAtomic(file, snapshot)).catch(() => {});
  }
}
