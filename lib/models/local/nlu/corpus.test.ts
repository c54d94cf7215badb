import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { INTENT_LABELS, isWorkerLabel, loadCorpus } from "./index";
import { jaccard, tokenSet } from "./text";

const plainTokens = (s: string) => new Set(s.toLowerCase().replace(/['\u2019]/g, "").split(/[^a-z0-9$]+/).filter(Boolean));

/** Every evaluation file the project keeps (eval/*.jsonl): dev, in-domain, out-of-domain, and any added later. */
const EVAL_DIR = path.join(process.cwd(), "eval");
const EVAL_FILES = fs.existsSync(EVAL_DIR) ? fs.readdirSync(EVAL_DIR).filter((f) => f.endsWith(".jsonl")).sort() : [];

function evalMessages(file: string): string[] {
  return fs
    .readFileSync(path.join(EVAL_DIR, file), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    // A conversation's messages are its turns'.
    .flatMap((l) => {
      const c = JSON.parse(l) as { message?: string; turns?: Array<{ message: string }> };
      return c.turns ? c.turns.map((t) => t.message) : [c.message!];
    });
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

  it("matches the counts its README states", () => {
    const readme = fs.readFileSync(path.join(process.cwd(), "lib", "models", "local", "nlu", "corpus", "README.md"), "utf8");
    const row = (name: string) => Number(readme.match(new RegExp(`^\\|\\s*\\**${name}\\**\\s*\\|\\s*\\**(\\d+)\\**\\s*\\|`, "m"))?.[1]);
    const only = (l: string) => corpus.filter((e) => e.labels.length === 1 && e.labels[0] === l).length;
    expect(row("billing")).toBe(only("billing"));
    expect(row("tech_support")).toBe(only("tech_support"));
    expect(row("account")).toBe(only("account"));
    expect(row("out_of_scope")).toBe(only("out_of_scope"));
    expect(row("small_talk")).toBe(only("small_talk"));
    expect(row("two business labels")).toBe(corpus.filter((e) => e.labels.length === 2).length);
    expect(row("three business labels")).toBe(corpus.filter((e) => e.labels.length === 3).length);
    expect(row("total")).toBe(corpus.length);
  });

  it("never mixes out_of_scope / small_talk with other labels", () => {
    for (const e of corpus) {
      const business = e.labels.filter(isWorkerLabel);
      if (business.length !== e.labels.length) expect(e.labels).toHaveLength(1);
    }
  });

  it("checks every evaluation file, the in-domain and out-of-domain sets included", () => {
    expect(EVAL_FILES).toEqual(expect.arrayContaining(["dev.jsonl", "in-domain.jsonl", "out-of-domain.jsonl"]));
  });

  // Token sets of the corpus, computed once: the eval files hold several hundred messages.
  const corpusTokens = corpus.map((e) => ({ text: e.text, lower: e.text.trim().toLowerCase(), plain: plainTokens(e.text), norm: tokenSet(e.text) }));

  it.each(EVAL_FILES)("contains no message of eval/%s nor a near-duplicate of one (token Jaccard < 0.8)", (file) => {
    const msgs = evalMessages(file);
    expect(msgs.length).toBeGreaterThan(0);
    let worst = { j: 0, corpus: "", eval: "" };
    for (const m of msgs) {
      const a = plainTokens(m);
      const an = tokenSet(m);
      const lower = m.trim().toLowerCase();
      for (const e of corpusTokens) {
        if (e.lower === lower) throw new Error(`corpus contains the ${file} message "${m}"`);
        const j = Math.max(jaccard(a, e.plain), jaccard(an, e.norm));
        if (j > worst.j) worst = { j, corpus: e.text, eval: m };
      }
    }
    console.log(`[nlu] closest corpus/${file} pair: Jaccard ${worst.j.toFixed(2)}: "${worst.corpus}" ~ "${worst.eval}"`);
    expect(worst.j).toBeLessThan(0.8);
  });
});
