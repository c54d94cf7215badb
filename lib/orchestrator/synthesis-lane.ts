import type { Run } from "../generated/prisma/client";
import { anySignal, joinReplyParts, type Plan } from "../contracts";
import type { EngineDeps } from "./deps";
import type { NewRunEvent } from "./events";
import { listReplyParts, recordModelCall, saveReplyPart } from "./store";
import { synthesize } from "./synthesis";
import { inSpan } from "../telemetry/tracing";
import type { TaskOutcome } from "./workers-step";

// Progressive synthesis: the reply starts as soon as the first worker finishes, while
// slower ones still run. Each part covers the outcomes that finished while the part
// before it was being written (in the customer's order within a part), continues the
// text already written, and is stored as final (reply_parts + a reply_part event)
// before the next one starts. A resumed run reads the stored parts and writes only
// the rest, so the customer never reads a part twice. An outcome that arrives before a
// part's first text restarts that part with it, so workers that finish close together
// share one call (as they would without progressive synthesis) instead of adding one.

type Emit = (e: NewRunEvent) => Promise<void>;

/** Worker outcomes as they arrive, taken by the lane in batches. */
export class OutcomeFeed {
  private ready: TaskOutcome[] = [];
  private failure: { err: unknown } | null = null;
  private wake: (() => void) | null = null;

  private listeners = new Set<() => void>();

  push(outcome: TaskOutcome) {
    this.ready.push(outcome);
    this.wake?.();
    for (const l of this.listeners) l();
  }

  /** Calls `fn` on each arrival until the returned function is called. */
  onArrival(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The workers step failed (the run is being stopped): the lane stops too. */
  fail(err: unknown) {
    this.failure = { err };
    this.wake?.();
  }

  /** Everything that arrived since the last call, waiting for at least one outcome. */
  async take(): Promise<TaskOutcome[]> {
    while (!this.ready.length && !this.failure) await new Promise<void>((r) => (this.wake = r));
    this.wake = null;
    if (this.failure) throw this.failure.err;
    return this.ready.splice(0);
  }
}

/**
 * Writes the reply of a delegated plan from the outcomes fed to it and returns the
 * whole text. With `deps.progressiveSynthesis` off it waits for every outcome and
 * writes one part, which is the reply of a single synthesis call.
 */
export async function composeReply(deps: EngineDeps, run: Run, plan: Plan, feed: OutcomeFeed, emit: Emit, signal: AbortSignal): Promise<string> {
  const order = new Map(plan.tasks.map((t, i) => [t.id, i]));
  const stored = await listReplyParts(deps.db, run.id);
  const texts = stored.map((p) => p.text);
  const covered = new Set(stored.flatMap((p) => p.taskIds));
  const waiting = new Map<string, TaskOutcome>();
  while (covered.size < plan.tasks.length) {
    for (const o of await feed.take()) if (!covered.has(o.task.id)) waiting.set(o.task.id, o);
    const all = covered.size + waiting.size === plan.tasks.length;
    if (!waiting.size || (!deps.progressiveSynthesis && !all)) continue;
    const batch = [...waiting.values()].sort((a, b) => (order.get(a.task.id) ?? 0) - (order.get(b.task.id) ?? 0));
    waiting.clear();
    const index = texts.length;
    const progress = { said: joinReplyParts(texts), before: covered.size, total: plan.tasks.length, final: all };
    // Until the part's first text, a newly arrived outcome restarts it with that outcome in.
    let texting = false;
    const restart = new AbortController();
    const stopListening = feed.onArrival(() => texting || restart.abort(new Error("restart")));
    const partSignal = anySignal([signal, restart.signal]);
    let text: string;
    try {
      text = await writePart(deps, run, index, batch, progress, emit, partSignal.signal, () => (texting = true));
    } catch (err) {
      if (!restart.signal.aborted || signal.aborted) throw err;
      for (const o of batch) waiting.set(o.task.id, o);
      continue;
    } finally {
      stopListening();
      partSignal.clear();
    }
    const event = await saveReplyPart(deps.db, { lease: deps.lease!, index, attempt: run.attempts, taskIds: batch.map((o) => o.task.id), text }, new Date());
    deps.bus?.publish(run.id, event);
    texts.push(text);
    for (const o of batch) covered.add(o.task.id);
    await deps.onBoundary?.(`reply_part:${index}`, run.id);
  }
  return joinReplyParts(texts);
}

/** One part: a streamed synthesis call whose text is persisted in small batches of deltas. */
async function writePart(
  deps: EngineDeps,
  run: Run,
  part: number,
  outcomes: TaskOutcome[],
  progress: { said: string; before: number; total: number; final: boolean },
  emit: Emit,
  signal: AbortSignal,
  onFirstText: () => void,
): Promise<string> {
  const attempt = run.attempts;
  // Deltas are persisted in small batches: live enough for the UI, few enough rows.
  let buffer = "";
  let flushing = Promise.resolve();
  // The first write that failed (a lost lease, say): later batches are dropped and it is
  // rethrown when the part settles. Each batch's promise is handled at once, so a failure
  // is never an unhandled rejection (which ends the process) while synthesis streams on.
  const flushFailed: { failed: boolean; err?: unknown } = { failed: false };
  let last = Date.now();
  const flush = () => {
    if (!buffer) return;
    const delta = buffer;
    buffer = "";
    flushing = flushing
      .then(() => (flushFailed.failed ? undefined : emit({ type: "message_delta", attempt, part, delta })))
      .catch((err: unknown) => {
        if (!flushFailed.failed) Object.assign(flushFailed, { failed: true, err });
      });
  };
  const onDelta = (d: string) => {
    if (!d) return;
    onFirstText();
    buffer += d;
    if (Date.now() - last > 50 || buffer.length > 120) {
      last = Date.now();
      flush();
    }
  };
  let synthesized: Awaited<ReturnType<typeof synthesize>>;
  const attributes = {
    "switchboard.run.id": run.id, "switchboard.synthesis.part": part, "switchboard.synthesis.final": progress.final,
    "switchboard.synthesis.tasks": outcomes.map((o) => o.task.id),
  };
  try {
    synthesized = await inSpan("switchboard.synthesis", attributes, () => synthesize(deps, outcomes, onDelta, signal, progress, run.id));
  } catch (err) {
    // Settle the pending writes before failing.
    await flushing;
    throw flushFailed.failed ? flushFailed.err : err;
  }
  flush();
  await flushing;
  if (flushFailed.failed) throw flushFailed.err;
  await deps.onBoundary?.(`reply_deltas:${part}`, run.id);
  await recordModelCall(deps.db, deps.lease!, { role: "synthesis", ...synthesized.usage });
  return synthesized.text;
}
