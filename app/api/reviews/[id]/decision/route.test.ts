import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { fixedClock } from "@/lib/clock";
import { getDb } from "@/lib/db/client";
import { localModels } from "@/lib/models/registry";
import { createEngine, submitMessage } from "@/lib/orchestrator/engine";
import { claimReview } from "@/lib/orchestrator/review-decisions";
import { inject, resetTestWorld, useTestDb } from "@/test/db";

// The decision route handler and the decision server action, called without the
// proxy in front, against the real database. Only the session is a stand-in: next-auth
// reads its cookie from a Next request, which does not exist here. What the session
// says is exactly what a still-valid cookie would say, whatever the database says now.
vi.mock("server-only", () => ({}));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
let sessionUser: { id: string; email: string; name: string; role: string } | null = null;
vi.mock("@/lib/auth/auth", () => ({ auth: async () => (sessionUser ? { user: sessionUser } : null) }));

const db = useTestDb();
const APP = "http://127.0.0.1:3000";
const ROAMING = "There's an $85 international roaming charge on my bill. I never turned that on, please remove it.";

type Handler = (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;
let POST: Handler;
let decideReviewAction: typeof import("@/app/(console)/reviews/actions").decideReviewAction;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  ({ POST } = (await import("./route")) as unknown as { POST: Handler });
  ({ decideReviewAction } = await import("@/app/(console)/reviews/actions"));
});
afterAll(() => getDb().$disconnect());
beforeEach(async () => {
  await resetTestWorld(db);
  await db.staffUser.updateMany({ where: { email: "reviewer@switchboard.local" }, data: { role: "reviewer" } });
});

async function pendingCredit() {
  const engine = createEngine({ db, worldAsOf: "2026-11-15", clock: fixedClock("2026-11-15"), models: localModels(0), retryBackoffMs: 10 });
  const { run, done } = await submitMessage(engine, { customerId: "C-1002", message: ROAMING });
  expect(await done).toBe("awaiting_review");
  return { engine, run, review: await db.reviewItem.findFirstOrThrow({ where: { runId: run.id, kind: "credit_over_limit" } }) };
}

async function signedIn(email: string) {
  const u = await db.staffUser.findUniqueOrThrow({ where: { email }, select: { id: true, email: true, name: true, role: true } });
  sessionUser = u;
  return u;
}

function decisionRequest(reviewId: string, body: unknown, headers: Record<string, string> = { origin: APP, "content-type": "application/json" }) {
  return POST(new Request(`${APP}/api/reviews/${reviewId}/decision`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }), {
    params: Promise.resolve({ id: reviewId }),
  });
}

function decisionForm(reviewId: string, decision: string, note?: string) {
  const form = new FormData();
  form.set("reviewId", reviewId);
  form.set("decision", decision);
  if (note) form.set("note", note);
  return decideReviewAction(null, form);
}

describe("deciding a review over HTTP and by server action", () => {
  it("20 concurrent approvals of one item, HTTP and server action mixed: one execution, nineteen 'already decided'", async () => {
    const { engine, run, review } = await pendingCredit();
    const riley = await signedIn("reviewer@switchboard.local");
    expect((await claimReview(engine, { reviewId: review.id, staff: riley, allowedRoles: ["reviewer", "admin"], minutes: 15 })).ok).toBe(true);

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        if (i % 2 === 0) {
          const res = await decisionRequest(review.id, { decision: "approve", note: `http ${i}` });
          const body = await res.json();
          return res.status === 200 ? "ok" : `${res.status}:${body.error.details?.reason}`;
        }
        const r = await decisionForm(review.id, "approve", `action ${i}`);
        return r.ok ? "ok" : `action:${r.error}`;
      }),
    );
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "409:already_decided" || o === "action:already_decided")).toHaveLength(19);
    // Both paths took part in the race.
    expect(outcomes.some((o) => o.startsWith("409"))).toBe(true);
    expect(outcomes.some((o) => o.startsWith("action:"))).toBe(true);

    expect(await db.credit.count({ where: { customerId: "C-1002", source: "approved" } })).toBe(1);
    expect(await db.sideEffect.count({ where: { idempotencyKey: `review:${review.id}` } })).toBe(1);
    expect(await db.message.count({ where: { runId: run.id, content: { startsWith: "Update" } } })).toBe(1);
    expect(await db.auditEntry.count({ where: { kind: "review_decision", subject: `review:${review.id}` } })).toBe(1);
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } })).decidedBy).toBe("reviewer@switchboard.local");
  });

  it("refuses the next decision of a reviewer demoted in the database while their session still says reviewer", async () => {
    const { engine, review } = await pendingCredit();
    const riley = await signedIn("reviewer@switchboard.local");
    await claimReview(engine, { reviewId: review.id, staff: riley, allowedRoles: ["reviewer", "admin"], minutes: 15 });
    await db.staffUser.update({ where: { id: riley.id }, data: { role: "auditor" } });
    expect(sessionUser?.role).toBe("reviewer");

    const res = await decisionRequest(review.id, { decision: "approve" });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden:review");
    expect(await decisionForm(review.id, "approve")).toEqual({ ok: false, error: "forbidden" });
    const item = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    expect([item.status, item.decidedBy]).toEqual(["pending", null]);
    expect(await db.credit.count({ where: { source: "approved" } })).toBe(0);
  });

  it("refuses a cross-origin text/plain form post carrying a reviewer's session, and changes nothing", async () => {
    const { engine, review } = await pendingCredit();
    const riley = await signedIn("reviewer@switchboard.local");
    await claimReview(engine, { reviewId: review.id, staff: riley, allowedRoles: ["reviewer", "admin"], minutes: 15 });
    const forged = '{"decision":"approve","pad":"="}\r\n';
    for (const origin of ["http://127.0.0.1:3001", "https://evil.example", "null"]) {
      const res = await decisionRequest(review.id, forged, { origin, "content-type": "text/plain" });
      expect(res.status, origin).toBe(403);
      expect((await res.json()).error.code, origin).toBe("forbidden:origin");
    }
    const plain = await decisionRequest(review.id, '{"decision":"approve"}', { origin: APP, "content-type": "text/plain" });
    expect(plain.status).toBe(415);
    expect((await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } })).status).toBe("pending");
    expect(await db.credit.count({ where: { source: "approved" } })).toBe(0);
  });

  it("answers bad input with a clear error and no change: tampered arguments, no note, no claim, a stale version, an auditor", async () => {
    const { engine, review } = await pendingCredit();
    const riley = await signedIn("reviewer@switchboard.local");
    const expectError = async (body: unknown, status: number, reason: string) => {
      const res = await decisionRequest(review.id, body);
      const json = await res.json();
      expect([res.status, json.error.details?.reason ?? json.error.code], JSON.stringify(body)).toEqual([status, reason]);
    };
    await expectError({ decision: "approve" }, 409, "not_claimed");
    const claim = await claimReview(engine, { reviewId: review.id, staff: riley, allowedRoles: ["reviewer", "admin"], minutes: 15 });
    if (!claim.ok) throw new Error("claim failed");
    await expectError({ decision: "approve", proposedAction: { type: "credit", invoiceId: "INV-1002-2611", amountCents: 999_999, reason: "x" } }, 400, "invalid_input:review");
    await expectError({ decision: "reject" }, 400, "invalid_input:review");
    await expectError({ decision: "approve", expectedVersion: claim.version - 1 }, 409, "stale");
    await expectError({ decision: "send_written", reply: "hello" }, 400, "invalid_decision");

    await signedIn("auditor@switchboard.local");
    await expectError({ decision: "approve" }, 403, "forbidden:review");
    expect(await decisionForm(review.id, "approve")).toEqual({ ok: false, error: "forbidden" });

    const item = await db.reviewItem.findUniqueOrThrow({ where: { id: review.id } });
    expect([item.status, item.decidedBy]).toEqual(["pending", null]);
    expect(await db.credit.count({ where: { source: "approved" } })).toBe(0);
  });
});
