import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEventKey, inputKey, jobIdFromInputKey } from "../storage/index.ts";
import { parseMessage } from "./events.ts";

/** How S3 writes keys into notifications: URL-encoded, spaces as `+`. */
const s3Encode = (key: string) => encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");

describe("parseMessage", () => {
  it("recognises s3:TestEvent", () => {
    const body = JSON.stringify({
      Service: "Amazon S3",
      Event: "s3:TestEvent",
      Time: "2026-11-28T10:00:00.000Z",
      Bucket: "b",
      RequestId: "r",
      HostId: "h",
    });
    expect(parseMessage(body)).toEqual({ kind: "test" });
  });

  it("parses S3 records and refuses anything else (property)", () => {
    const record = fc.record({
      eventName: fc.constantFrom("ObjectCreated:Post", "ObjectCreated:Put", "ObjectCreated:Copy"),
      s3: fc.record({
        bucket: fc.record({ name: fc.string({ minLength: 1 }) }),
        object: fc.record({
          key: fc.string({ minLength: 1 }),
          size: fc.nat(),
          sequencer: fc.string({
            unit: fc.constantFrom(..."0123456789ABCDEF"),
            minLength: 16,
            maxLength: 16,
          }),
        }),
      }),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 5 }), (records) => {
        const parsed = parseMessage(JSON.stringify({ Records: records }));
        expect(parsed.kind).toBe("records");
        if (parsed.kind === "records") expect(parsed.records).toHaveLength(records.length);
      }),
    );
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const body = JSON.stringify(value) ?? "undefined";
        let result: ReturnType<typeof parseMessage> | undefined;
        try {
          result = parseMessage(body);
        } catch (error) {
          expect((error as Error).message).toMatch(/JSON|S3 notification/);
        }
        if (result?.kind === "records") expect(result.records.length).toBeGreaterThan(0);
      }),
    );
    expect(() => parseMessage("not json")).toThrow(/not JSON/);
    expect(() => parseMessage(JSON.stringify({ Records: [] }))).toThrow(/S3 notification/);
  });
});

describe("event keys", () => {
  it("decode spaces, plus signs and non-ASCII exactly as S3 encodes them (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1 }), (key) => {
        expect(decodeEventKey(s3Encode(key))).toBe(key);
      }),
    );
    expect(decodeEventKey("uploads/my+photo+%2B+caf%C3%A9.png")).toBe(
      "uploads/my photo + café.png",
    );
  });

  it("map only ArtAI's own upload keys to job ids", () => {
    const id = "AbCdEfGhIjKlMnOpQrStUv";
    expect(jobIdFromInputKey(inputKey(id))).toBe(id);
    expect(jobIdFromInputKey(`uploads/${id}/other`)).toBeUndefined();
    expect(jobIdFromInputKey(`uploads/../${id}/input`)).toBeUndefined();
    expect(jobIdFromInputKey("outputs/x/input")).toBeUndefined();
  });
});
