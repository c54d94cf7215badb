import { fixedClock } from "../clock";
import type { Db } from "../db/client";
import { resetWorld } from "../db/seed";
import type { Models } from "../models/registry";
import type { EngineDeps } from "../orchestrator/deps";
import { createEngine } from "../orchestrator/engine";
import type { SettingsSource } from "../orchestrator/settings";
import type { World } from "../world/fixture";
import type { EvalCase } from "./cases";
import { runCase, snapshotWorld } from "./run-case";
import { scoreCase, summarise, type CaseScore, type Observed } from "./score";

// One evaluation, written once: `npm run eval` and the settings trial ("Test this
// change") both run their cases through this, so a trial's numbers are exactly what
// the command prints for the same files and settings.

/** One case's run as the evaluation saw it. */
export type CaseObservation = Observed & { runId: string; conversationId: string; status: string; tokensIn: number; tokensOut: number };

export interface Evaluation {
  observed: CaseObservation[];
  scores: CaseScore[];
  summary: ReturnType<typeof summarise>;
}

/**
 * The engine an evaluation runs under, on a scratch database: the business date pinned
 * to the world's `asOf`, and `settings` when given (else the registry's definitions and
 * the environment, as a first version would be made).
 */
export function evaluationEngine(opts: { db: Db; world: World; models?: Models; settings?: SettingsSource }): EngineDeps {
  return createEngine({ db: opts.db, worldAsOf: opts.world.asOf, clock: fixedClock(opts.world.asOf), models: opts.models, settings: opts.settings });
}

/**
 * Runs each case on a freshly restored world (a snapshot of the seeded world, or a full
 * reseed with `fullReset`), scores it, and summarises. A conversation's later turns
 * (readCases flattens them in order) run in the first turn's conversation on the world
 * it left, without a reset. `onCase` hears each case as it
 * finishes (progress lines, a trial's progress row); a throw from it stops the evaluation.
 */
export async function evaluateCases(opts: {
  deps: EngineDeps;
  world: World;
  cases: EvalCase[];
  fullReset?: boolean;
  onCase?: (i: number, c: EvalCase, o: CaseObservation, s: CaseScore) => void | Promise<void>;
}): Promise<Evaluation> {
  const { deps, world, cases } = opts;
  const snapshot = opts.fullReset ? null : await snapshotWorld(deps.db, world);
  const reset = snapshot ? snapshot.restore : () => resetWorld(deps.db, world);
  const observed: CaseObservation[] = [];
  const scores: CaseScore[] = [];
  try {
    let previous: { c: EvalCase; o: CaseObservation } | null = null;
    for (const [i, c] of cases.entries()) {
      const continues = c.conversation && c.conversation.turn > 1 && previous?.c.conversation?.id === c.conversation.id;
      const o: CaseObservation = continues ? await runCase(deps, world, c, null, previous!.o.conversationId) : await runCase(deps, world, c, reset);
      previous = { c, o };
      const s = scoreCase(c, o);
      observed.push(o);
      scores.push(s);
      await opts.onCase?.(i, c, o, s);
    }
  } finally {
    await snapshot?.dispose();
  }
  return { observed, scores, summary: summarise(cases, observed, scores) };
}
