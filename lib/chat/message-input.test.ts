import { describe, expect, it } from "vitest";
import { sendMessageInputSchema } from "./message-input";

const key = "0f8b7c1e-4c55-4d2a-9a57-0c9f0a1b2c3d";
const reason = (input: unknown) => {
  const r = sendMessageInputSchema.safeParse(input);
  return r.success ? null : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("a chat message", () => {
  it("is trimmed and accepted from 1 to 4000 characters", () => {
    expect(sendMessageInputSchema.parse({ message: "  Why is my bill higher?  ", idempotencyKey: key }).message).toBe("Why is my bill higher?");
    expect(reason({ message: "x".repeat(4000), idempotencyKey: key })).toBeNull();
  });

  it("is refused when empty, too long, holding a NUL, or without a usable key or conversation id", () => {
    expect(reason({ message: " \n\t ", idempotencyKey: key })).toEqual(["message: message is empty"]);
    expect(reason({ message: "x".repeat(4001), idempotencyKey: key })).toEqual(["message: message is longer than 4000 characters"]);
    expect(reason({ message: "hi\u0000there", idempotencyKey: key })).toEqual(["message: message contains a NUL character"]);
    expect(reason({ message: "hi", idempotencyKey: "short" })).toEqual(["idempotencyKey: idempotency key is shorter than 8 characters"]);
    expect(reason({ message: "hi", idempotencyKey: key, conversationId: "not-a-uuid" })).toEqual(["conversationId: conversationId is not a UUID"]);
  });

  it("keeps tabs and line breaks but refuses control characters and unpaired surrogates", () => {
    expect(reason({ message: "line one\n\tline two\r\n", idempotencyKey: key })).toBeNull();
    expect(reason({ message: "emoji 👍 and 中文 are fine", idempotencyKey: key })).toBeNull();
    expect(reason({ message: "ring \u0007 the bell", idempotencyKey: key })).toEqual(["message: message contains a control character (U+0007)"]);
    expect(reason({ message: "\u001b[31mred\u001b[0m", idempotencyKey: key })).toEqual(["message: message contains a control character (U+001B)"]);
    expect(reason({ message: "c1 \u0085 next line", idempotencyKey: key })).toEqual(["message: message contains a control character (U+0085)"]);
    expect(reason({ message: "half \ud800 a pair", idempotencyKey: key })).toEqual(["message: message contains an unpaired surrogate (not valid Unicode)"]);
    expect(reason({ message: "other half \udc00", idempotencyKey: key })).toEqual(["message: message contains an unpaired surrogate (not valid Unicode)"]);
  });
});
