import type { LanguageModelV4 } from "@ai-sdk/provider";
import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { fixedClock } from "../clock";
import { formatCents } from "../money";
import { localModels } from "../models/registry";
import { sideEffectToolNames } from "../tools/registry";
import { createEngine, submitMessage } from "./engine";
import { claimAndDecide } from "./review-decisions";

// Two conversations of one customer at once (a phone and a laptop), both asking for
// the same thing. The tools serialize on the customer's row, so one run acts and the
// other is told what is already so (already_booked, no_fault, already credited,
// already on that plan). Each reply may claim an action only when its own run's
// ledger holds it, and otherwise says what is true (issue 20, finding 5).

const db = useTestDb();
const engine = (models: ReturnType<typeof localModels>) =>
  createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models, retryBackoffMs: 10 });

/**
 * Holds each worker's side-effecting tool call until the other run's worker has asked
 * for the same tool, so both have read the account before either acts: the race the
 * two devices run into, made deterministic. Released after a while in any case, so a
 * run that never gets there fails its assertions instead of hanging.
 */
function meetBeforeActing(inner: LanguageModelV4, parties = 2): LanguageModelV4 {
  const waiting = new Map<string, { count: number; release: () => void; met: Promise<void> }>();
  const meet = (tool: string) => {
    let w = waiting.get(tool);
    if (!w) {
      let release!: () => void;
      const met = new Promise<void>((r) => (release = r));
      w = { count: 0, release, met };
      waiting.set(tool, w);
      setTimeout(release, 5_000).unref();
    }
    if (++w.count >= parties) w.release();
    return w.met;
  };
  return {
    specificationVersion: "v4",
    provider: inner.provider,
    modelId: inner.modelId,
    supportedUrls: inner.supportedUrls,
    doStream: (o) => inner.doStream(o),
    async doGenerate(o) {
      const res = await inner.doGenerate(o);
      const acting = res.content.filter((c) => c.type === "tool-call" && sideEffectToolNames.has(c.toolName));
      for (const c of acting) if (c.type === "tool-call") await meet(c.toolName);
      return res;
    },
  };
}

type Role = "billing" | "tech_support" | "account";

/** Runs `message` twice at once for `customerId` and returns each run with its reply and its own ledger. */
async function twoDevices(customerId: string, role: Role, message: string) {
  const models = localModels(0);
  const deps = engine({ ...models, [role]: meetBeforeActing(models[role]) });
  const submitted = await Promise.all([submitMessage(deps, { customerId, message }), submitMessage(deps, { customerId, message })]);
  const statuses = await Promise.all(submitted.map((s) => s.done));
  const runs = await Promise.all(
    submitted.map(async ({ run }, i) => {
      const stored = await db.run.findUniqueOrThrow({ where: { id: run.id } });
      // The run's own tool calls, not a reviewer's approval (`review:` keys).
      const ledger = await db.sideEffect.findMany({ where: { runId: run.id, idempotencyKey: { startsWith: `${run.id}:` } } });
      const calls = await db.toolCall.findMany({ where: { runId: run.id }, orderBy: { createdAt: "asc" } });
      const answered = (tool: string) => calls.filter((c) => c.tool === tool).map((c) => (c.result as { status?: string } | null)?.status);
      const own = (tool: string) => ledger.filter((l) => l.tool === tool).map((l) => l.result as Record<string, unknown>);
      return { id: run.id, status: statuses[i], reply: stored.reply ?? "", answered, own };
    }),
  );
  return Object.assign(runs, { deps });
}

describe("two runs of one customer at once", () => {
  beforeEach(() => resetTestWorld(db));

  it("books one technician visit; the other reply says a visit is already booked, never that it booked one", async () => {
    // C-1004: line down (cut drop cable), no outage in east-2, free slots SLOT-1 and SLOT-2.
    const runs = await twoDevices("C-1004", "tech_support", "My internet is completely down, no signal at all. Please send a technician.");
    expect(await db.dispatch.count({ where: { customerId: "C-1004" } })).toBe(1);
    expect(runs.flatMap((r) => r.answered("dispatch_technician")).sort()).toEqual(["already_booked", "booked"]);
    for (const r of runs) {
      const booked = r.own("dispatch_technician").some((e) => e.status === "booked");
      // Each run ran its own reset, which did not fix the cut cable.
      expect(r.own("remote_reset").map((e) => e.status)).toEqual(["not_fixed"]);
      expect(r.reply).toMatch(/a remote reset didn't fix it/);
      if (booked) {
        expect(r.reply).toMatch(/I've booked a technician visit for 2026-11-17 at 09:00 UTC \(SLOT-1\)/);
      } else {
        expect(r.reply).not.toMatch(/booked a technician visit|I've booked|I booked/i);
        expect(r.reply).toMatch(/a technician is already booked for 2026-11-17 at 09:00 UTC \(SLOT-1\)/i);
      }
      expect(r.status).toBe("completed");
    }
  });

  it("fixes the line once; the other reply says the line tests healthy now, never that it fixed it", async () => {
    // C-1001: degraded line that a remote reset fixes.
    const runs = await twoDevices("C-1001", "tech_support", "My internet has been really slow and keeps dropping all week, can you fix it?");
    expect(runs.flatMap((r) => r.answered("remote_reset")).sort()).toEqual(["fixed", "no_fault"]);
    for (const r of runs) {
      const fixed = r.own("remote_reset").some((e) => e.status === "fixed");
      if (fixed) {
        expect(r.reply).toMatch(/fixed it with a remote reset/);
      } else {
        expect(r.own("remote_reset")).toEqual([]);
        expect(r.reply).not.toMatch(/fixed it|remote reset (?:fixed|cleared)|I found a fault/i);
        expect(r.reply).toMatch(/your line tests healthy now/i);
      }
      expect(r.status).toBe("completed");
    }
  });

  it("credits the late fee once; the other reply says that charge was already credited, never that it credited it", async () => {
    const runs = await twoDevices("C-1001", "billing", "I was charged a $30 late fee but I paid on time. Please credit it.");
    expect((await db.credit.findMany({ where: { customerId: "C-1001", invoiceId: "INV-1001-2611" } })).map((c) => c.amountCents)).toEqual([3000]);
    for (const r of runs) {
      const credited = r.own("issue_credit").filter((e) => e.status === "applied");
      // Each sentence that says "I've credited $X to your account", with the invoice it names.
      const claims = r.reply
        .split(/(?<=[.!?])\s+/)
        .flatMap((sentence) => {
          const m = /credited (\$[\d,]+\.\d\d) to your account/i.exec(sentence);
          return m ? [`${m[1]} ${/INV-\d{4}-\d{4}/.exec(sentence)?.[0] ?? "?"}`] : [];
        });
      expect(claims).toEqual(credited.map((e) => `${formatCents(Number(e.amountCents))} ${String(e.invoiceId)}`));
      if (credited.length === 0) {
        expect(r.reply).toMatch(/already been credited to your account/);
        // Not a refusal and not a failure: the charge is credited, there is nothing left to do.
        expect(r.reply).not.toMatch(/couldn't|could not|can't|refused|follow up|double-check/i);
      }
      expect(r.status).toBe("completed");
    }
    expect(runs.map((r) => r.own("issue_credit").length).sort()).toEqual([0, 1]);
  });

  it("changes the plan once; the other reply says the account is already on that plan, never that it changed it", async () => {
    const runs = await twoDevices("C-1001", "account", "Please upgrade me to the 1 Gig plan.");
    expect((await db.customer.findUniqueOrThrow({ where: { id: "C-1001" } })).planId).toBe("gig-1000");
    expect(await db.planChange.count({ where: { customerId: "C-1001" } })).toBe(1);
    for (const r of runs) {
      const changed = r.own("change_plan").some((e) => e.status === "applied");
      if (changed) {
        expect(r.reply).toMatch(/your plan is now Fiber 1 Gig at/);
      } else {
        expect(r.reply).not.toMatch(/your plan is now|I've changed|Done:/i);
        expect(r.reply).toMatch(/already on Fiber 1 Gig/);
        expect(r.reply).not.toMatch(/can't change your plan|couldn't|not eligible/i);
      }
      expect(r.status).toBe("completed");
    }
  });

  it("approves both review items for one charge: one credit, and the second follow-up says it was already credited", async () => {
    // C-1002: the $85 roaming charge is over the automatic limit, so each run proposes it for review.
    const runs = await twoDevices("C-1002", "billing", "There's an $85 international roaming charge on my bill. I never turned that on, please remove it.");
    expect(runs.map((r) => r.status)).toEqual(["awaiting_review", "awaiting_review"]);
    for (const r of runs) {
      const review = await db.reviewItem.findFirstOrThrow({ where: { runId: r.id, kind: "credit_over_limit" } });
      expect(await claimAndDecide(runs.deps, { reviewId: review.id, decision: "approve", staffEmail: "reviewer@switchboard.local" })).toEqual({ ok: true, status: "approved" });
    }
    expect((await db.credit.findMany({ where: { customerId: "C-1002" } })).map((c) => c.amountCents)).toEqual([8500]);
    const [first, second] = await Promise.all(
      runs.map((r) => db.message.findFirstOrThrow({ where: { runId: r.id, role: "assistant", content: { startsWith: "Update" } } }).then((m) => m.content)),
    );
    expect(first).toMatch(/approved the \$85\.00 credit on invoice INV-1002-2611, and it has been applied to your account/);
    expect(second).toMatch(/that charge had already been credited to your account/);
    expect(second).not.toMatch(/has been applied|could not be applied|will contact you/);
  });
});
