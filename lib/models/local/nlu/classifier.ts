/**
 * Intent classifier of the local model.
 *
 * Model: one-vs-rest logistic regression (one binary model per intent label) over
 * sparse binary features: stemmed word unigrams and bigrams, prefixes of long words,
 * concept and short-message markers (text.ts), plus the rare-word features added in
 * `vectorise`. Each document vector is L2-normalised.
 *
 * Training: stochastic gradient descent, one example at a time, on the log-loss
 * with per-weight AdaGrad step sizes, so that the many features seen in only a few
 * examples still learn within the few epochs training takes (it must stay well
 * under a second: the model is trained at first use). The L2 penalty is applied
 * lazily, to the weights of the features an example has. Weights start at zero and
 * each epoch visits the examples in an order shuffled by a seeded PRNG, so training
 * is fully deterministic (same corpus and seed -> same weights).
 *
 * Calibration: raw logits are mapped to probabilities by Platt scaling per label
 * (p = sigmoid(a * z + b)), with a and b fitted on out-of-fold logits of a
 * stratified k-fold cross-validation over the training data, so the probabilities
 * reflect how the model does on text it has not seen. `evaluateClassifier` nests
 * that inside an outer cross-validation to measure accuracy and the expected
 * calibration error honestly.
 *
 * Inference: a word stem the model has never seen is read as a known stem one typo
 * away (Speller). Clause pooling only takes clauses that name something of ours.
 * `decideLabels` holds the domain gate (out_of_scope beats a weaker business label),
 * and `classifyWithModel` keeps a second or third business label only when it is
 * strong or the wording backs it (`corroborate`).
 *
 * The model is trained lazily from corpus/intents.jsonl at first use and memoised.
 */
import { LRUCache } from "lru-cache";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ANALYSES_KEPT, memoByText } from "./memo";
import { analyseRequest, type RequestAnalysis } from "./requests";
import { segmentMessage } from "./segment";
import { featuresOf, namesOurs, stem } from "./text";

export const INTENT_LABELS = ["billing", "tech_support", "account", "out_of_scope", "small_talk"] as const;
export type IntentLabel = (typeof INTENT_LABELS)[number];
export const WORKER_LABELS = ["billing", "tech_support", "account"] as const;
export type WorkerLabel = (typeof WORKER_LABELS)[number];

export function isWorkerLabel(l: string): l is WorkerLabel {
  return (WORKER_LABELS as readonly string[]).includes(l);
}

export interface CorpusExample {
  text: string;
  labels: IntentLabel[];
}

export interface IntentClassification {
  /** Calibrated probability per label (independent one-vs-rest, they need not sum to 1). */
  scores: Record<IntentLabel, number>;
  /** Labels with score >= 0.5 (the top one if none); business labels exclude out_of_scope / small_talk. */
  labels: IntentLabel[];
  /** The highest-scoring label among `labels`, with its calibrated probability. */
  top: { label: IntentLabel; confidence: number };
}

export interface TrainOptions {
  /** L2 penalty strength. */
  l2?: number;
  /** Passes over the training data. */
  epochs?: number;
  /** AdaGrad base step size. */
  learningRate?: number;
  /** Folds used to produce out-of-fold logits for Platt scaling. */
  calibrationFolds?: number;
  /** Seed of the fold assignment and of the training order. */
  seed?: number;
  /**
   * Clause pooling: a business label's logit is the max of the whole-message
   * logit and the logits of the message's clauses (segment.ts), so each part of
   * a multi-part message is judged on its own words.
   */
  pooling?: boolean;
}

const DEFAULTS: Required<TrainOptions> = {
  l2: 1e-4,
  epochs: 12,
  learningRate: 0.7,
  calibrationFolds: 4,
  seed: 20261101,
  pooling: true,
};

const L = INTENT_LABELS.length;

interface LinearModel {
  vocab: Map<string, number>;
  /** weights[f * L + l] */
  weights: Float64Array;
  bias: Float64Array;
  /** Corrects a misspelt word to one the model knows (inference only). */
  speller: Speller;
}

/**
 * Single-typo correction against the model's own vocabulary: a word stem the model
 * has never seen ("uprgad", "intenet", "disconect") is read as the known stem one
 * edit away (insertion, deletion, substitution or swap of neighbours) that at least
 * three training texts use, preferring the most frequent. Only stems of 5+ letters,
 * so short words are never rewritten. Without these limits the correction also
 * turns rare words of other businesses into ours (cross-validation: more
 * out-of-scope requests routed). A symmetric-deletion index keeps a lookup to a
 * few map reads.
 */
class Speller {
  private byDeletion = new Map<string, string[]>();
  constructor(private df: Map<string, number>) {
    for (const w of df.keys()) for (const d of Speller.deletions(w)) {
      const list = this.byDeletion.get(d);
      if (list) list.push(w);
      else this.byDeletion.set(d, [w]);
    }
  }
  private static deletions(w: string): string[] {
    const out = [w];
    for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
    return out;
  }
  correct(w: string): string | undefined {
    if (w.length < 5 || w.startsWith("<") || this.df.has(w)) return undefined;
    let best: string | undefined;
    for (const d of Speller.deletions(w)) {
      for (const c of this.byDeletion.get(d) ?? []) {
        if (c.length < 5 || (this.df.get(c) ?? 0) < 3 || !withinOneEdit(w, c)) continue;
        if (!best || (this.df.get(c) ?? 0) > (this.df.get(best) ?? 0) || ((this.df.get(c) ?? 0) === (this.df.get(best) ?? 0) && c < best)) best = c;
      }
    }
    return best;
  }
}

/** Damerau-Levenshtein distance <= 1 (one insertion, deletion, substitution or adjacent swap). */
function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Logits of a message, optionally max-pooled over its clauses for business labels. */
function messageLogits(model: LinearModel, text: string, pooling: boolean): Float64Array {
  const z = logits(model, text);
  if (!pooling) return z;
  const segs = segmentMessage(text);
  if (segs.length < 2) return z;
  for (const seg of segs) {
    // A clause that names nothing of ours ("I want a refund", "please fix it") carries
    // the subject of the clause it continues: after "the gym charged my card twice"
    // it is a refund from the gym, so it does not vote on its own.
    if (!namesOurs(seg.text)) continue;
    const zs = logits(model, seg.text);
    for (let l = 0; l < L; l++) if (isWorkerLabel(INTENT_LABELS[l]) && zs[l] > z[l]) z[l] = zs[l];
  }
  return z;
}

interface Platt {
  a: number;
  b: number;
}

export interface IntentModel {
  linear: LinearModel;
  pooling: boolean;
  platt: Platt[];
  trainingMs: number;
  examples: number;
}

// ---------------------------------------------------------------- corpus

const CORPUS_FILE = "intents.jsonl";

function corpusPath(): string {
  const candidates: string[] = [];
  try {
    candidates.push(path.join(path.dirname(fileURLToPath(import.meta.url)), "corpus", CORPUS_FILE));
  } catch {
    // import.meta.url is not a file URL (bundled): fall back to the project root below.
  }
  candidates.push(path.join(process.cwd(), "lib", "models", "local", "nlu", "corpus", CORPUS_FILE));
  for (const c of candidates) if (fs.existsSync(c)) return c;
  throw new Error(`intent corpus not found (looked in ${candidates.join(", ")})`);
}

let corpusCache: CorpusExample[] | undefined;

/** The hand-written training corpus (corpus/intents.jsonl). */
export function loadCorpus(): CorpusExample[] {
  if (corpusCache) return corpusCache;
  const raw = fs.readFileSync(corpusPath(), "utf8");
  const out: CorpusExample[] = [];
  raw.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const obj = JSON.parse(line) as { text?: unknown; labels?: unknown };
    if (typeof obj.text !== "string" || !Array.isArray(obj.labels) || obj.labels.length === 0) {
      throw new Error(`corpus line ${i + 1}: expected { text, labels }`);
    }
    for (const l of obj.labels) {
      if (!(INTENT_LABELS as readonly unknown[]).includes(l)) throw new Error(`corpus line ${i + 1}: unknown label ${String(l)}`);
    }
    out.push({ text: obj.text, labels: obj.labels as IntentLabel[] });
  });
  corpusCache = out;
  return out;
}

// ---------------------------------------------------------------- vectors

interface SparseDoc {
  idx: Int32Array;
  /** Feature values: words 1, concept features CONCEPT_WEIGHT, then L2-normalised. */
  val: Float64Array;
}

/**
 * Value of a concept feature ("c:money", "c:elsewhere", ...) relative to a word
 * feature. Concepts stand for whole word families, so they should not be drowned
 * out by the many word and bigram features of a long message.
 */
const CONCEPT_WEIGHT = 2;

/**
 * Map a text's raw features onto the model vocabulary. Unigrams the model has
 * not seen in at least MIN_DF training texts count as "rare"; the number and
 * share of rare words are features themselves (off-domain requests such as
 * recipes or trivia are mostly made of words the business corpus never uses).
 */
function vectorise(features: string[], vocab: Map<string, number>, speller?: Speller): SparseDoc {
  const idx: number[] = [];
  const raw: number[] = [];
  let unigrams = 0;
  let rare = 0;
  const seen = new Set<number>();
  for (const feature of features) {
    const f = speller ? spellFeature(feature, vocab, speller) : feature;
    const i = vocab.get(f);
    if (i !== undefined && seen.has(i)) continue;
    if (i !== undefined) seen.add(i);
    if (f.startsWith("u:")) {
      unigrams++;
      if (i === undefined) rare++;
    }
    if (i !== undefined) {
      idx.push(i);
      raw.push(f.startsWith("c:") ? CONCEPT_WEIGHT : 1);
    }
  }
  const extra: string[] = [];
  if (rare >= 1) extra.push("rare:1");
  if (rare >= 2) extra.push("rare:2");
  if (unigrams > 0 && rare / unigrams >= 0.34) extra.push("rare:third");
  if (unigrams > 0 && rare / unigrams >= 0.5) extra.push("rare:half");
  for (const f of extra) {
    const i = vocab.get(f);
    if (i !== undefined) {
      idx.push(i);
      raw.push(1);
    }
  }
  let norm = 0;
  for (const v of raw) norm += v * v;
  const val = Float64Array.from(raw, (v) => v / Math.sqrt(norm));
  return { idx: Int32Array.from(idx), val };
}

/** A word or bigram feature with a misspelt word, rewritten with the word the model knows. */
function spellFeature(f: string, vocab: Map<string, number>, speller: Speller): string {
  if (vocab.has(f)) return f;
  const fix = (w: string) => speller.correct(w) ?? w;
  if (f.startsWith("u:")) return `u:${fix(f.slice(2))}`;
  if (f.startsWith("b:")) {
    const [a, b] = f.slice(2).split("_");
    return b === undefined ? f : `b:${fix(a)}_${fix(b)}`;
  }
  return f;
}

/** Features kept in the vocabulary must occur in at least this many training texts. */
const MIN_DF = 2;
const RARE_FEATURES = ["rare:1", "rare:2", "rare:third", "rare:half"];

function buildVocab(feats: string[][]): Map<string, number> {
  const df = new Map<string, number>();
  for (const fs_ of feats) for (const f of fs_) df.set(f, (df.get(f) ?? 0) + 1);
  const vocab = new Map<string, number>();
  for (const fs_ of feats) for (const f of fs_) if (!vocab.has(f) && (df.get(f) ?? 0) >= MIN_DF) vocab.set(f, vocab.size);
  for (const f of RARE_FEATURES) vocab.set(f, vocab.size);
  return vocab;
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

// ---------------------------------------------------------------- training

function trainLinear(examples: CorpusExample[], opts: Required<TrainOptions>): LinearModel {
  const feats = examples.map((e) => cachedFeatures(e.text));
  const vocab = buildVocab(feats);
  const docs = feats.map((f) => vectorise(f, vocab));
  const V = vocab.size;
  const N = docs.length;
  const targets = new Float64Array(N * L);
  examples.forEach((e, n) => {
    for (const l of e.labels) targets[n * L + INTENT_LABELS.indexOf(l)] = 1;
  });
  const w = new Float64Array(V * L);
  const b = new Float64Array(L);
  // AdaGrad accumulators (per weight) make the step size adapt to feature frequency.
  const gw = new Float64Array(V * L).fill(1e-8);
  const gb = new Float64Array(L).fill(1e-8);
  const resid = new Float64Array(L);
  const { l2, learningRate: lr, epochs } = opts;
  const order = Array.from({ length: N }, (_, i) => i);
  const rand = rng(opts.seed ^ 0x5bd1e995);
  for (let ep = 0; ep < epochs; ep++) {
    // deterministic Fisher-Yates shuffle
    for (let i = N - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    for (const n of order) {
      const { idx, val } = docs[n];
      for (let l = 0; l < L; l++) {
        let z = b[l];
        for (let j = 0; j < idx.length; j++) z += w[idx[j] * L + l] * val[j];
        resid[l] = sigmoid(z) - targets[n * L + l];
        gb[l] += resid[l] * resid[l];
        b[l] -= (lr * resid[l]) / Math.sqrt(gb[l]);
      }
      for (let j = 0; j < idx.length; j++) {
        const base = idx[j] * L;
        for (let l = 0; l < L; l++) {
          const k = base + l;
          // L2 applied to the weights of the active features ("lazy" regularisation)
          const g = resid[l] * val[j] + l2 * w[k];
          gw[k] += g * g;
          w[k] -= (lr * g) / Math.sqrt(gw[k]);
        }
      }
    }
  }
  const wordDf = new Map<string, number>();
  for (const fs_ of feats) for (const f of fs_) if (f.startsWith("u:") && vocab.has(f)) wordDf.set(f.slice(2), (wordDf.get(f.slice(2)) ?? 0) + 1);
  return { vocab, weights: w, bias: b, speller: new Speller(wordDf) };
}

// Features of recently seen texts (training and cross-validation read the corpus many
// times). A small LRU: customers' messages pass through here too, and a cache that
// only fills would hold on to every one of them for the life of the process.
const FEATURE_CACHE_MAX = 4_000;
const featureCache = new LRUCache<string, string[]>({ max: FEATURE_CACHE_MAX });
function cachedFeatures(text: string): string[] {
  let f = featureCache.get(text);
  if (!f) {
    f = featuresOf(text);
    featureCache.set(text, f);
  }
  return f;
}

function logits(model: LinearModel, text: string): Float64Array {
  const { idx, val } = vectorise(cachedFeatures(text), model.vocab, model.speller);
  const z = Float64Array.from(model.bias);
  for (let j = 0; j < idx.length; j++) {
    const base = idx[j] * L;
    for (let l = 0; l < L; l++) z[l] += model.weights[base + l] * val[j];
  }
  return z;
}

/** Platt scaling fitted by Newton's method with Platt's smoothed targets. */
function fitPlatt(z: number[], y: number[]): Platt {
  const nPos = y.reduce((s, v) => s + v, 0);
  const nNeg = y.length - nPos;
  const tPos = (nPos + 1) / (nPos + 2);
  const tNeg = 1 / (nNeg + 2);
  const t = y.map((v) => (v ? tPos : tNeg));
  let a = 1;
  let b = 0;
  const loss = (a_: number, b_: number) => {
    let s = 0;
    for (let i = 0; i < z.length; i++) {
      const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(a_ * z[i] + b_)));
      s -= t[i] * Math.log(p) + (1 - t[i]) * Math.log(1 - p);
    }
    return s;
  };
  let cur = loss(a, b);
  let damp = 1e-6;
  for (let it = 0; it < 100; it++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < z.length; i++) {
      const p = sigmoid(a * z[i] + b);
      const d = p - t[i];
      const h = Math.max(p * (1 - p), 1e-12);
      ga += d * z[i];
      gb += d;
      haa += h * z[i] * z[i];
      hab += h * z[i];
      hbb += h;
    }
    if (Math.abs(ga) < 1e-9 && Math.abs(gb) < 1e-9) break;
    let improved = false;
    for (let tries = 0; tries < 30; tries++) {
      const A = haa + damp, B = hab, D = hbb + damp;
      const det = A * D - B * B;
      const da = -(D * ga - B * gb) / det;
      const db = -(-B * ga + A * gb) / det;
      const next = loss(a + da, b + db);
      if (next < cur) {
        a += da;
        b += db;
        cur = next;
        damp = Math.max(damp / 10, 1e-9);
        improved = true;
        break;
      }
      damp *= 10;
    }
    if (!improved) break;
  }
  return { a, b };
}

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stratified (by label set) deterministic fold assignment. */
function assignFolds(examples: CorpusExample[], k: number, seed: number): number[] {
  const rand = rng(seed);
  const keyed = examples.map((e, i) => ({ i, key: [...e.labels].sort().join("+"), r: rand() }));
  keyed.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.r - y.r));
  const folds = new Array<number>(examples.length);
  keyed.forEach((x, pos) => (folds[x.i] = pos % k));
  return folds;
}

/** Out-of-fold logits for every example. */
function crossValidatedLogits(examples: CorpusExample[], opts: Required<TrainOptions>): Float64Array[] {
  const k = opts.calibrationFolds;
  const folds = assignFolds(examples, k, opts.seed);
  const out = new Array<Float64Array>(examples.length);
  for (let f = 0; f < k; f++) {
    const train = examples.filter((_, i) => folds[i] !== f);
    const m = trainLinear(train, opts);
    examples.forEach((e, i) => {
      if (folds[i] === f) out[i] = messageLogits(m, e.text, opts.pooling);
    });
  }
  return out;
}

/** Train a calibrated model on the given examples (deterministic). */
export function trainIntentModel(examples: CorpusExample[], options: TrainOptions = {}): IntentModel {
  const opts = { ...DEFAULTS, ...options };
  const t0 = performance.now();
  const oof = crossValidatedLogits(examples, opts);
  const platt: Platt[] = INTENT_LABELS.map((label, l) =>
    fitPlatt(
      oof.map((z) => z[l]),
      examples.map((e) => (e.labels.includes(label) ? 1 : 0)),
    ),
  );
  const linear = trainLinear(examples, opts);
  return { linear, pooling: opts.pooling, platt, trainingMs: performance.now() - t0, examples: examples.length };
}

// ---------------------------------------------------------------- inference

function scoreWithModel(model: IntentModel, text: string): Record<IntentLabel, number> {
  const z = messageLogits(model.linear, text, model.pooling);
  const scores = {} as Record<IntentLabel, number>;
  INTENT_LABELS.forEach((label, l) => {
    scores[label] = sigmoid(model.platt[l].a * z[l] + model.platt[l].b);
  });
  return scores;
}

/** Turn per-label probabilities into a label set (see IntentClassification.labels). */
export function decideLabels(scores: Record<IntentLabel, number>): Omit<IntentClassification, "scores"> {
  const ranked = [...INTENT_LABELS].sort((x, y) => scores[y] - scores[x] || INTENT_LABELS.indexOf(x) - INTENT_LABELS.indexOf(y));
  let labels = ranked.filter((l) => scores[l] >= 0.5);
  if (labels.length === 0) labels = [ranked[0]];
  let business = labels.filter(isWorkerLabel);
  // The domain gate: a confidently out-of-scope message ("my card was charged twice at
  // the restaurant") is declined even when a business label also passes 0.5, unless
  // that business label is the stronger of the two. Business otherwise wins over
  // small_talk (a greeting around a request), and two non-business labels never mix.
  if (business.length > 0 && scores.out_of_scope >= Math.max(0.5, ...business.map((l) => scores[l]))) {
    business = [];
    labels = ["out_of_scope"];
  }
  labels = business.length > 0 ? business : [labels[0]];
  labels = INTENT_LABELS.filter((l) => labels.includes(l));
  const topLabel = ranked.find((l) => labels.includes(l))!;
  return { labels, top: { label: topLabel, confidence: scores[topLabel] } };
}

/**
 * What in a message's wording backs each business label, beyond the classifier's
 * words: the request analysis's flags (requests.ts).
 */
const EVIDENCE: Record<WorkerLabel, Array<keyof RequestAnalysis>> = {
  billing: ["wantsCredit", "disputesCharge"],
  tech_support: ["reportsServiceDown", "reportsSlowOrUnstable", "asksOutage", "wantsTechnician", "mentionsWifi", "mentionsEquipmentLights", "mentionsOutage"],
  account: ["wantsPlanChange", "asksOptions", "asksQuote", "asksContractEnd", "wantsCancel", "considersCancel"],
};

/** The things each worker is asked for by name: an invoice, a plan, the wifi. */
const NAMED: Record<WorkerLabel, RegExp> = {
  billing: /\b(?:invoices?|receipts?|statements?|refunds?|credits?|autopay|late fee|overcharg\w*|double charg\w*)\b/i,
  tech_support: /\b(?:internet|wi-?fi|connection|router|modem|outages?|technician|signal|speeds? (?:are|is))\b/i,
  account: /\b(?:(?:faster|cheaper|slower|bigger|smaller|new|different) (?:plan|package|tier)|contract|upgrade|downgrade|email address|phone number)\b/i,
};

/** Whether a text backs a business label: the request analysis's flags, or the thing named. */
export function backedBy(req: RequestAnalysis, label: WorkerLabel, text?: string): boolean {
  return EVIDENCE[label].some((f) => req[f] === true) || (text !== undefined && NAMED[label].test(text));
}

/** A second or third business label needs this score, or a flag of EVIDENCE. */
const SECONDARY_LABEL_SCORE = 0.8;

/**
 * Keeps a message's strongest business label, and each further one only when it
 * is strong on its own (SECONDARY_LABEL_SCORE) or the wording backs it: "I'm
 * paying too much for speed I don't use, I want a cheaper plan" scores billing
 * 0.7 from its money words, but nothing in it disputes a charge or asks for money
 * back, so it is an account request only.
 */
function corroborate(text: string, d: Omit<IntentClassification, "scores">, scores: Record<IntentLabel, number>): Omit<IntentClassification, "scores"> {
  const business = d.labels.filter(isWorkerLabel);
  if (business.length < 2) return d;
  const req = analyseRequest(text);
  const [first, ...rest] = [...business].sort((x, y) => scores[y] - scores[x]);
  const kept = [first, ...rest.filter((l) => scores[l] >= SECONDARY_LABEL_SCORE || backedBy(req, l, text))];
  return { ...d, labels: INTENT_LABELS.filter((l) => kept.includes(l as WorkerLabel)) };
}

export function classifyWithModel(model: IntentModel, text: string): IntentClassification {
  const scores = scoreWithModel(model, text);
  return { scores, ...corroborate(text, decideLabels(scores), scores) };
}

let defaultModel: IntentModel | undefined;

/** The memoised model trained on the corpus (trained at first call). */
export function getIntentModel(): IntentModel {
  defaultModel ??= trainIntentModel(loadCorpus());
  return defaultModel;
}

/** The known word stem the default model reads a misspelt word as (undefined: none, or already known). */
export function correctedStem(word: string): string | undefined {
  return getIntentModel().linear.speller.correct(stem(word.toLowerCase()));
}

/** Classify a customer message into intent labels with calibrated confidence. */
export const classifyIntents: (text: string) => IntentClassification = memoByText(ANALYSES_KEPT, (text) => classifyWithModel(getIntentModel(), text));

// ---------------------------------------------------------------- evaluation

export interface ClassifierEvaluation {
  examples: number;
  folds: number;
  /** Share of examples whose predicted label set equals the gold set. */
  exactMatch: number;
  /** Share of examples whose top label is one of the gold labels. */
  topAccuracy: number;
  /** Micro-averaged precision / recall / F1 over (example, label) decisions. */
  precision: number;
  recall: number;
  f1: number;
  perLabel: Record<IntentLabel, { precision: number; recall: number; f1: number; support: number }>;
  /** Expected calibration error of the top-label confidence (10 equal-width bins). */
  ece: number;
  /** Expected calibration error over every per-label probability (10 bins). */
  eceAllLabels: number;
  /** Mean time to train one calibrated model, in ms. */
  meanTrainingMs: number;
  errors: Array<{ text: string; gold: IntentLabel[]; predicted: IntentLabel[]; confidence: number }>;
}

function ece(conf: number[], correct: number[], bins = 10): number {
  const sumC = new Array(bins).fill(0), sumA = new Array(bins).fill(0), cnt = new Array(bins).fill(0);
  conf.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.floor(c * bins));
    sumC[b] += c;
    sumA[b] += correct[i];
    cnt[b]++;
  });
  let e = 0;
  for (let b = 0; b < bins; b++) if (cnt[b]) e += (cnt[b] / conf.length) * Math.abs(sumA[b] / cnt[b] - sumC[b] / cnt[b]);
  return e;
}

/**
 * k-fold cross-validated evaluation on the corpus (or given examples): for each
 * outer fold, a model (with its own inner-CV Platt calibration) is trained on the
 * other folds and scored on the held-out fold.
 */
export function evaluateClassifier(options: { folds?: number; examples?: CorpusExample[]; train?: TrainOptions } = {}): ClassifierEvaluation {
  const examples = options.examples ?? loadCorpus();
  const k = options.folds ?? 5;
  const opts = { ...DEFAULTS, ...options.train };
  const folds = assignFolds(examples, k, opts.seed + 1);
  const preds = new Array<IntentClassification>(examples.length);
  let trainMs = 0;
  for (let f = 0; f < k; f++) {
    const model = trainIntentModel(examples.filter((_, i) => folds[i] !== f), opts);
    trainMs += model.trainingMs;
    examples.forEach((e, i) => {
      if (folds[i] === f) preds[i] = classifyWithModel(model, e.text);
    });
  }
  let exact = 0, topOk = 0, tp = 0, fp = 0, fn = 0;
  const per = Object.fromEntries(INTENT_LABELS.map((l) => [l, { tp: 0, fp: 0, fn: 0 }])) as Record<IntentLabel, { tp: number; fp: number; fn: number }>;
  const topConf: number[] = [], topCorrect: number[] = [], allConf: number[] = [], allCorrect: number[] = [];
  const errors: ClassifierEvaluation["errors"] = [];
  examples.forEach((e, i) => {
    const p = preds[i];
    const gold = new Set(e.labels);
    const same = p.labels.length === gold.size && p.labels.every((l) => gold.has(l));
    if (same) exact++;
    else errors.push({ text: e.text, gold: e.labels, predicted: p.labels, confidence: p.top.confidence });
    const ok = gold.has(p.top.label) ? 1 : 0;
    topOk += ok;
    topConf.push(p.top.confidence);
    topCorrect.push(ok);
    for (const l of INTENT_LABELS) {
      const inP = p.labels.includes(l), inG = gold.has(l);
      if (inP && inG) { tp++; per[l].tp++; }
      else if (inP) { fp++; per[l].fp++; }
      else if (inG) { fn++; per[l].fn++; }
      allConf.push(p.scores[l]);
      allCorrect.push(inG ? 1 : 0);
    }
  });
  const prf = (t: number, p_: number, n_: number) => {
    const precision = t + p_ ? t / (t + p_) : 1;
    const recall = t + n_ ? t / (t + n_) : 1;
    return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
  };
  const micro = prf(tp, fp, fn);
  const perLabel = Object.fromEntries(
    INTENT_LABELS.map((l) => [l, { ...prf(per[l].tp, per[l].fp, per[l].fn), support: per[l].tp + per[l].fn }]),
  ) as ClassifierEvaluation["perLabel"];
  return {
    examples: examples.length,
    folds: k,
    exactMatch: exact / examples.length,
    topAccuracy: topOk / examples.length,
    ...micro,
    perLabel,
    ece: ece(topConf, topCorrect),
    eceAllLabels: ece(allConf, allCorrect),
    meanTrainingMs: trainMs / k,
    errors,
  };
}
