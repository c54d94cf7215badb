import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { decodeCursor, encodeCursor, iterateAuditRuns, listAuditRuns, runListFilterSchema, type RunListFilter } from "./run-list";
import { csvField, runsCsvStream } from "./runs-csv";
import { exportRunJson } from "./run-record";

const db = useTestDb();

/** Twelve runs an hour apart: customers, statuses, workers and reviews vary. */
async function seedRuns() {
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const customerId = i % 3 === 0 ? "C-1001" : "C-1002";
    const conversation = await db.conversation.create({ data: { customerId } });
    const run = await db.run.create({
      data: {
        conversationId: conversation.id, customerId,
        input: i === 5 ? "My router blinks red, please help" : `Question number ${i} about my bill`,
        status: i % 4 === 0 ? "awaiting_review" : i === 7 ? "failed" : "completed",
        plan: i === 9 ? { kind: "out_of_scope", via: "planner", tasks: [], confidence: 0.9 } : { kind: "delegate", via: "planner", tasks: [], confidence: 0.9 },
        createdAt: new Date(Date.UTC(2026, 10, 10, i)),
        tokensIn: 100 * i, tokensOut: 10,
      },
    });
    const worker = i === 5 ? "tech_support" : "billing";
    await db.workerInvocation.create({ data: { runId: run.id, taskId: "t1", worker, attempt: 1, status: "succeeded", input: {} } });
    if (i % 4 === 0) {
      await db.reviewItem.create({ data: { runId: run.id, taskId: "t1", customerId, kind: "credit_over_limit", summary: "over limit", context: {} } });
    }
    ids.push(run.id);
  }
  return ids.reverse(); // newest first
}

const all = async (filter: RunListFilter) => (await listAuditRuns({ db, filter, limit: 100 })).rows.map((r) => r.id);

describe("the audit run list", () => {
  beforeEach(() => resetTestWorld(db));

  it("pages newest first with keyset cursors, both ways, without skipping or repeating a run", async () => {
    const ids = await seedRuns();
    const first = await listAuditRuns({ db, filter: {}, limit: 5 });
    expect(first.rows.map((r) => r.id)).toEqual(ids.slice(0, 5));
    expect(first.newer).toBeNull();
    const second = await listAuditRuns({ db, filter: {}, after: decodeCursor(first.older), limit: 5 });
    expect(second.rows.map((r) => r.id)).toEqual(ids.slice(5, 10));
    const third = await listAuditRuns({ db, filter: {}, after: decodeCursor(second.older), limit: 5 });
    expect(third.rows.map((r) => r.id)).toEqual(ids.slice(10));
    expect(third.older).toBeNull();
    // Back from the last page to the one before it.
    const back = await listAuditRuns({ db, filter: {}, before: decodeCursor(third.newer), limit: 5 });
    expect(back.rows.map((r) => r.id)).toEqual(ids.slice(5, 10));
    const backToFirst = await listAuditRuns({ db, filter: {}, before: decodeCursor(back.newer), limit: 5 });
    expect(backToFirst.rows.map((r) => r.id)).toEqual(ids.slice(0, 5));
    expect(backToFirst.newer).toBeNull();
    // A run of the page carries its workers and review count.
    expect(first.rows[0]).toMatchObject({ workers: ["billing"], customerName: expect.any(String) });
  });

  it("searches by run id, customer and words, and filters by status, worker, escalation, outcome and dates", async () => {
    const ids = await seedRuns();
    const newestFirst = [...ids];
    const byIndex = (i: number) => newestFirst[11 - i];
    expect(await all({ q: byIndex(3) })).toEqual([byIndex(3)]);
    expect(await all({ q: "c-1001" })).toEqual([9, 6, 3, 0].map(byIndex));
    expect(await all({ q: "router blinks" })).toEqual([byIndex(5)]);
    expect(await all({ q: "100%" })).toEqual([]); // LIKE wildcards are taken literally
    expect(await all({ status: "failed" })).toEqual([byIndex(7)]);
    expect(await all({ worker: "tech_support" })).toEqual([byIndex(5)]);
    expect(await all({ escalated: "yes" })).toEqual([8, 4, 0].map(byIndex));
    expect((await all({ escalated: "no" })).length).toBe(9);
    expect(await all({ outcome: "out_of_scope" })).toEqual([byIndex(9)]);
    expect(await all({ from: "2026-11-10", to: "2026-11-10" })).toEqual(newestFirst);
    expect(await all({ from: "2026-11-11" })).toEqual([]);
    expect(await all({ status: "completed", worker: "billing", escalated: "no" })).toEqual([11, 10, 9, 6, 3, 2, 1].map(byIndex));
  });

  it("validates filters and cursors at the boundary", () => {
    expect(runListFilterSchema.safeParse({ status: "deleted" }).success).toBe(false);
    expect(runListFilterSchema.safeParse({ from: "10/11/2026" }).success).toBe(false);
    expect(runListFilterSchema.parse({ status: "", q: "  x  ", after: "ignored" })).toEqual({ q: "x" });
    expect(decodeCursor("not-a-cursor")).toBeNull();
    const c = { createdAt: new Date("2026-11-10T03:00:00.000Z"), id: "abc" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
  });

  it("streams the filtered list as CSV in pages, recording the export before the first row", async () => {
    await seedRuns();
    const pages: number[] = [];
    for await (const page of iterateAuditRuns({ db, filter: { worker: "billing" }, batch: 4 })) pages.push(page.length);
    expect(pages).toEqual([4, 4, 3]);

    const stream = await runsCsvStream({ db, filter: { escalated: "yes" }, staffEmail: "auditor@switchboard.local", batch: 2 });
    // The latest: the audit log is append-only and shared by the whole test run (other files export too).
    const exportEntry = await db.auditEntry.findFirstOrThrow({ where: { kind: "export", subject: "runs:csv" }, orderBy: { id: "desc" } });
    expect(exportEntry).toMatchObject({ actor: "auditor@switchboard.local", payload: { format: "csv", filter: { escalated: "yes" } } });
    const text = await new Response(stream).text();
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("run_id,created_at,customer_id,customer_name,status,outcome,workers,reviews,tokens_in,tokens_out,latency_ms,attempts,input");
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).every((l) => l.includes(",awaiting_review,delegate,billing,1,"))).toBe(true);
  });

  it("quotes CSV fields and defuses spreadsheet formulas", () => {
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvField("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(csvField("-5")).toBe("'-5");
    expect(csvField(null)).toBe("");
  });

  it("exports a run as JSON with its chain verification, and records the export on the run's trail", async () => {
    const [id] = await seedRuns();
    const body = await exportRunJson({ db, runId: id, staffEmail: "admin@switchboard.local" });
    const doc = JSON.parse(body!);
    expect(doc.run.id).toBe(id);
    expect(doc.run.invocations).toHaveLength(1);
    expect(doc.audit.verification.ok).toBe(true);
    expect(doc.audit.entries.some((e: { kind: string; actor: string }) => e.kind === "export" && e.actor === "admin@switchboard.local")).toBe(true);
    expect(await exportRunJson({ db, runId: "no-such-run", staffEmail: "admin@switchboard.local" })).toBeNull();
    expect(await db.auditEntry.count({ where: { kind: "export", subject: "run:no-such-run" } })).toBe(0);
  });
});
