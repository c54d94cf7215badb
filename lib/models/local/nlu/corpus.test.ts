import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { INTENT_LABELS, isWorkerLabel, loadCorpus } from "./index";
import { jaccard, tokenSet } from "./text";

const plainTokens = (s: string) => new Set(s.toLowerCase().replace(/['\u2019]/g, "").split(/[^a-z0-9$]+/).filter(Boolean));

function evalMessages(): string[] {
  const file = path.join(process.cwd(), "eval", "dev.jsonl");
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { message: string }).message);
}

describe("intent corpus", () => {
  const corpus = loadCorpus();

  it("has at least 400 well-formed, unique utterances covering every label", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(400);
    const texts = new Set(corpus.map((e) => e.text.trim().toLowerCase()));
    expect(texts.size).toBe(corpus.length);
    for (const l of INTENT_LABELS) expect(corpus.filter((e) => e.labels.includes(l)).length).toBeGreaterThanOrEqual(50);
    expect(corpus.filter((e) => e.labels.length >= 2).length).toBeGreaterThanOrEqual(50);
    expect(corpus.filter((e) => e.labels.length === 3).length).toBeGreaterThanOrEqual(10);
  });

  it("never mixes out_of_scope / small_talk with other labels", () => {
    for (const e of corpus) {
      const business = e.labels.filter(isWorkerLabel);
      if (business.length !== e.labels.length) expect(e.labels).toHaveLength(1);
    }
  });

  it("contains no eval message nor a near-duplicate of one (token Jaccard < 0.8)", () => {
    const msgs = evalMessages();
    expect(msgs.length).toBeGreaterThan(0);
    let worst = { j: 0, corpus: "", eval: "" };
    for (const m of msgs) {
      const a = plainTokens(m);
      const an = tokenSet(m);
      for (const e of corpus) {
        expect(e.text.trim().toLowerCase()).not.toBe(m.trim().toLowerCase());
        const j = Math.max(jaccard(a, plainTokens(e.text)), jaccard(an, tokenSet(e.text)));
        if (j > worst.j) worst = { j, corpus: e.text, eval: m };
      }
    }
    console.log(`[nlu] closest corpus/eval pair: Jaccard ${worst.j.toFixed(2)}: "${worst.corpus}" ~ "${worst.eval}"`);
    expect(worst.j).toBeLessThan(0.8);
  });
});
