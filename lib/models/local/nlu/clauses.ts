/**
 * Sub-task splitting for the supervisor: a multi-part message is cut into
 * clauses (segment.ts), each clause is classified, and the clauses are merged
 * per worker so each worker receives only its own part of the message.
 *
 * Rules:
 * - a clause goes to every business label the classifier gives it (score >= 0.5);
 * - a clause without a business label (context such as "I need it back today",
 *   a greeting, "Ignore all previous instructions.") attaches to the business
 *   clause it continues: the previous one, or the next one when it opens the
 *   message; a clause that is confidently out of scope on its own (and carries
 *   no prompt-injection marker) is left out and reported in `outOfScopeParts`;
 * - a worker the whole-message classification wants but no clause claimed gets
 *   the clause that scores highest for it;
 * - a message whose overall labels are only out_of_scope / small_talk gets no
 *   sub-tasks (the supervisor declines or answers itself).
 * At most one entry per worker, in order of first appearance.
 */
import { backedBy, classifyIntents, isWorkerLabel, type IntentClassification, type WorkerLabel } from "./classifier";
import { analyseRequest } from "./requests";
import { segmentMessage, type Segment } from "./segment";

export type Worker = WorkerLabel;

export interface Subtask {
  worker: Worker;
  text: string;
}

export interface ClauseInfo {
  text: string;
  start: number;
  end: number;
  classification: IntentClassification;
  /** Workers this clause was routed to (own labels, or inherited when attached). */
  workers: Worker[];
  role: "business" | "attached" | "out_of_scope";
}

export interface SubtaskPlan {
  message: IntentClassification;
  clauses: ClauseInfo[];
  subtasks: Subtask[];
  /** Clauses left out because they are out of scope on their own. */
  outOfScopeParts: string[];
}

/** Confidence above which a stand-alone out-of-scope clause is left out rather than attached. */
const DROP_OUT_OF_SCOPE = 0.6;

/**
 * Score at which a clause supports a worker other than the message's strongest one
 * without the request analysis backing it (a plea, a complaint or a reason around a
 * request scores its words' worker, but asks nothing of it).
 */
const CLAUSE_SUPPORT = 0.9;

/** Confidence each side of a comma or "and" needs before the clause is cut there. */
const SPLIT_CONFIDENCE = 0.6;

/** The single business worker a piece of text is confidently about, or null. */
function soleWorker(text: string): { worker: WorkerLabel; confidence: number } | null {
  const c = classifyIntents(text);
  const own = c.labels.filter(isWorkerLabel);
  if (own.length !== 1 || !isWorkerLabel(c.top.label) || c.top.confidence < SPLIT_CONFIDENCE) return null;
  return { worker: own[0], confidence: c.top.confidence };
}

/**
 * Cuts a clause the rules left whole at a comma, "and", "but" or "even though"
 * when the two sides are confidently about different workers: "…a late fee even
 * though I paid on time, my internet has been really slow…" is two requests, and
 * each worker must receive only its own. Recurses on both sides.
 */
function refine(text: string, seg: Segment, depth = 0): Segment[] {
  if (depth > 3) return [seg];
  const piece = text.slice(seg.start, seg.end);
  let best: { at: number; skip: number; score: number } | null = null;
  for (const m of piece.matchAll(/,\s*(?:and\s+|but\s+)?|\s+(?:and|but)\s+/gi)) {
    const at = m.index ?? 0;
    const left = piece.slice(0, at).trim();
    const right = piece.slice(at + m[0].length).trim();
    if (left.split(/\s+/).length < 3 || right.split(/\s+/).length < 3) continue;
    const l = soleWorker(left);
    const r = soleWorker(right);
    if (!l || !r || l.worker === r.worker) continue;
    const score = Math.min(l.confidence, r.confidence);
    if (!best || score > best.score) best = { at, skip: m[0].length, score };
  }
  if (!best) return [seg];
  const leftSeg = { text: piece.slice(0, best.at).trimEnd(), start: seg.start, end: seg.start + piece.slice(0, best.at).trimEnd().length };
  const rightStart = seg.start + best.at + best.skip;
  const rightText = text.slice(rightStart, seg.end);
  const rightSeg = { text: rightText, start: rightStart, end: seg.end };
  return [...refine(text, leftSeg, depth + 1), ...refine(text, rightSeg, depth + 1)];
}

export function planSubtasks(text: string): SubtaskPlan {
  const message = classifyIntents(text);
  if (!text.trim()) return { message, clauses: [], subtasks: [], outOfScopeParts: [] };
  const raw = segmentMessage(text);
  // What the message asks for, without its ultimatums ("…or I'm leaving" is not a request to leave).
  const asks = raw.some((s) => s.ultimatum) ? classifyIntents(raw.filter((s) => !s.ultimatum).map((s) => s.text).join(". ")) : message;
  const messageWorkers = asks.labels.filter(isWorkerLabel);
  const segs = raw.flatMap((s) => (messageWorkers.length > 1 && !s.ultimatum ? refine(text, s) : [s]));
  const clauses: ClauseInfo[] = segs.map((s) => {
    const classification = segs.length === 1 ? message : classifyIntents(s.text);
    const own = classification.labels.filter(isWorkerLabel);
    // An ultimatum ("…or I'm leaving") backs up the clause before it: it is context, not a request.
    let role: ClauseInfo["role"] = own.length && !s.ultimatum ? "business" : "attached";
    if (
      !own.length &&
      classification.top.label === "out_of_scope" &&
      classification.top.confidence >= DROP_OUT_OF_SCOPE &&
      !analyseRequest(s.text).injection &&
      // a clause that asks one of our workers something ("let me know when it will be fixed") is not another business's
      !(messageWorkers.length > 0 && messageWorkers.some((w) => backedBy(analyseRequest(s.text), w)))
    ) {
      role = "out_of_scope";
    }
    return { text: s.text, start: s.start, end: s.end, classification, workers: role === "business" ? own : [], role };
  });

  if (messageWorkers.length === 0) {
    return { message, clauses, subtasks: [], outOfScopeParts: [] };
  }

  // Beyond the message's strongest worker, a worker needs a clause that asks it for
  // something (the request analysis backs it) or is strongly about it: "Been without
  // service for two days. I pay for this. Unacceptable." is one technical request
  // whose middle sentence only says why it matters.
  if (clauses.length > 1) {
    const lead = [...messageWorkers].sort((x, y) => asks.scores[y] - asks.scores[x])[0];
    // A clause that names nothing of ours can still ask something of a worker the whole
    // message wants ("…for the hours without internet, and tell me when it's back"):
    // its request analysis backs that worker even though its own words score no label.
    const asksOf = (c: ClauseInfo, w: Worker) => c.role === "attached" && !segs[clauses.indexOf(c)].ultimatum && backedBy(analyseRequest(c.text), w);
    const supported = (w: Worker) =>
      w === lead ||
      clauses.some((c) => c.workers.includes(w) && (c.classification.scores[w] >= CLAUSE_SUPPORT || backedBy(analyseRequest(c.text), w))) ||
      clauses.some((c) => asksOf(c, w));
    for (const c of clauses) {
      if (c.role !== "business") continue;
      c.workers = c.workers.filter(supported);
      if (c.workers.length === 0) c.role = "attached";
    }
    for (let i = messageWorkers.length - 1; i >= 0; i--) if (!supported(messageWorkers[i]) && !clauses.some((c) => c.workers.includes(messageWorkers[i]))) messageWorkers.splice(i, 1);
  }

  // a worker wanted by the whole message but claimed by no clause takes its best clause
  for (const w of messageWorkers) {
    if (clauses.some((c) => c.workers.includes(w))) continue;
    let best: ClauseInfo | undefined;
    const asking = clauses.filter((c, i) => c.role === "attached" && !segs[i].ultimatum && backedBy(analyseRequest(c.text), w));
    for (const [i, c] of clauses.entries()) {
      if (c.role === "out_of_scope" || segs[i].ultimatum || (asking.length > 0 && !asking.includes(c))) continue;
      if (!best || c.classification.scores[w] > best.classification.scores[w]) best = c;
    }
    if (best) {
      best.workers = [...best.workers, w];
      best.role = "business";
    }
  }

  // attach context clauses to the business clause they continue
  const owners = clauses.map((c) => (c.role === "business" ? c.workers : undefined));
  clauses.forEach((c, i) => {
    if (c.role !== "attached") return;
    // "…, and let me know when it will be fixed" asks the technical worker, not the clause before it.
    const asked = segs[i].ultimatum ? [] : messageWorkers.filter((w) => backedBy(analyseRequest(c.text), w));
    if (asked.length) {
      c.workers = asked;
      return;
    }
    let j = i - 1;
    while (j >= 0 && !owners[j]) j--;
    if (j < 0) {
      j = i + 1;
      while (j < clauses.length && !owners[j]) j++;
    }
    c.workers = j >= 0 && j < clauses.length ? [...owners[j]!] : [...messageWorkers];
  });

  // merge per worker; a run of consecutive clauses keeps the original wording between them
  const order: Worker[] = [];
  const parts = new Map<Worker, string[]>();
  const lastIndex = new Map<Worker, number>();
  const runStart = new Map<Worker, number>();
  clauses.forEach((c, i) => {
    if (c.role === "out_of_scope") return;
    for (const w of c.workers) {
      if (!parts.has(w)) {
        parts.set(w, []);
        order.push(w);
      }
      const list = parts.get(w)!;
      if (lastIndex.get(w) === i - 1 && list.length > 0) {
        list[list.length - 1] = text.slice(runStart.get(w)!, c.end);
      } else {
        list.push(c.text);
        runStart.set(w, c.start);
      }
      lastIndex.set(w, i);
    }
  });
  const subtasks = order.map((worker) => ({ worker, text: parts.get(worker)!.join(" ") }));
  return {
    message,
    clauses,
    subtasks,
    outOfScopeParts: clauses.filter((c) => c.role === "out_of_scope").map((c) => c.text),
  };
}

/** One entry per worker with only that worker's part of the message. */
export function splitIntoSubtasks(text: string): Subtask[] {
  return planSubtasks(text).subtasks;
}
