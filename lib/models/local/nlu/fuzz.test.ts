import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadWorld } from "../../../world/fixture";
import { analyseRequest, classifyIntents, parseAmountsCents, parseDates, parseInvoiceIds, parsePlanTarget, splitIntoSubtasks } from "./index";

// Whatever a customer types goes through segmentation, classification and parsing
// without a throw: random text, and text built from the words most likely to break
// a lookup keyed by user input (Object.prototype members), control characters,
// emoji, right-to-left script and very long messages.

const PROTO_WORDS = ["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "prototype", "isPrototypeOf", "__defineGetter__"];
const TRICKY = ["\u0000", "\u202e", "\u200f", "مرحبا فاتورتي", "שלום", "🙂", "💸📶", "\uFEFF", "\r\n", "\t", "$", "$$$", "€85", "INV-", "C-", "1e309", "-0", "NaN"];
const DOMAIN = ["bill", "late fee", "internet", "slow", "upgrade", "plan", "credit", "refund", "technician", "and", "also", "even though", ",", "."];

const PLANS = loadWorld().plans.map((p) => ({ id: p.id, name: p.name, downMbps: p.downMbps, monthlyCents: p.monthlyCents }));

const word = fc.oneof(fc.constantFrom(...PROTO_WORDS, ...TRICKY, ...DOMAIN), fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 8 }));
const message = fc.array(word, { maxLength: 40 }).map((ws) => ws.join(" "));

function understand(text: string) {
  const intents = classifyIntents(text);
  expect(intents.top.confidence).toBeGreaterThanOrEqual(0);
  expect(intents.top.confidence).toBeLessThanOrEqual(1);
  for (const part of splitIntoSubtasks(text)) expect(typeof part.text).toBe("string");
  parseAmountsCents(text);
  parseInvoiceIds(text);
  parseDates(text);
  parsePlanTarget(text, PLANS);
  analyseRequest(text);
}

describe("language understanding under hostile input", () => {
  it("never throws on random and adversarial messages", () => {
    fc.assert(fc.property(message, (text) => understand(text)), { numRuns: 400, seed: 20261122 });
  });

  it.each(PROTO_WORDS)("reads %s as a plain word", (w) => {
    understand(w);
    understand(`my ${w} bill is wrong and the ${w} internet is slow`);
  });

  it("handles a 10 kB message", () => {
    understand("my internet is slow and my bill has a late fee ".repeat(220).slice(0, 10_240));
    understand("🙂".repeat(5_000));
  });
});
