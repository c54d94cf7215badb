import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../../test/db";
import { connectTestClient, testContext } from "../test-helpers";

const db = useTestDb();
let clients: Array<{ close(): Promise<void> }> = [];

/** A client in run `run-<customer>` (runs belong to one customer); runId null = outside any run. */
async function network(customerId: string, runId: string | null = `run-${customerId}`, taskId = "t1") {
  const c = await connectTestClient("network", testContext(db, customerId, runId ? { runId, taskId } : {}));
  clients.push(c);
  return c;
}

describe("network MCP server", () => {
  beforeEach(() => resetTestWorld(db));
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
  });

  it("tests the line: healthy (C-1010 → Wi-Fi), degraded (C-1001), suspended (C-1008)", async () => {
    const c1010 = (await (await network("C-1010")).call("run_line_test")).data;
    expect(c1010).toMatchObject({ lineStatus: "ok", downMbps: 485, planDownMbps: 500, packetLossPct: 0, accountStatus: "active", zone: "west-1" });
    expect(c1010.summary).toMatch(/Wi-Fi/);
    expect(c1010).not.toHaveProperty("fixableRemotely");
    const c1001 = (await (await network("C-1001")).call("run_line_test")).data;
    expect(c1001).toMatchObject({ lineStatus: "degraded", packetLossPct: 6.5, latencyMs: 48, downMbps: 61 });
    const c1008 = (await (await network("C-1008")).call("run_line_test")).data;
    expect(c1008).toMatchObject({ lineStatus: "suspended", accountStatus: "suspended" });
  });

  it("reports OUT-77 with its ETA in north-7 (C-1003, C-1012) and nothing in east-2 (C-1004)", async () => {
    for (const id of ["C-1003", "C-1012"]) {
      const { data } = await (await network(id)).call("check_outage");
      expect(data).toMatchObject({ zone: "north-7", outage: { id: "OUT-77", etaAt: "2026-11-15T22:00:00.000Z" } });
    }
    expect((await (await network("C-1004")).call("check_outage")).data).toEqual({ zone: "east-2", outage: null });
  });

  it("fixes C-1001's degraded line with a remote reset; then no dispatch", async () => {
    const c = await network("C-1001");
    const v0 = (await db.customer.findUniqueOrThrow({ where: { id: "C-1001" } })).dataVersion;
    const reset = await c.call("remote_reset");
    expect((await db.customer.findUniqueOrThrow({ where: { id: "C-1001" } })).dataVersion).toBe(v0 + 1);
    expect(reset.data).toMatchObject({ status: "fixed", line: { lineStatus: "ok", packetLossPct: 0 }, replayed: false });
    expect((await c.call("run_line_test")).data.lineStatus).toBe("ok");
    expect((await c.call("dispatch_technician", { reason: "slow" })).data).toMatchObject({ status: "refused" });
    expect(await db.dispatch.count()).toBe(0);
    // Another conversation's reset, after this one fixed the line: no_fault, no reset run, nothing recorded.
    const other = await (await network("C-1001", "run-other")).call("remote_reset");
    expect(other.data).toMatchObject({ status: "no_fault", line: { lineStatus: "ok" }, replayed: false });
    expect((await db.customer.findUniqueOrThrow({ where: { id: "C-1001" } })).dataVersion).toBe(v0 + 1);
    expect(await db.sideEffect.count({ where: { runId: "run-other" } })).toBe(0);
  });

  it("requires a failed reset before dispatching for a degraded line", async () => {
    await db.lineState.update({ where: { customerId: "C-1001" }, data: { fixableRemotely: false } });
    const c = await network("C-1001");
    const first = await c.call("dispatch_technician", { reason: "packet loss" });
    expect(first.data).toMatchObject({ status: "refused" });
    expect(first.data.reason).toMatch(/remote reset first/);
    expect((await c.call("remote_reset")).data.status).toBe("not_fixed");
    // Same run and task: the refusal was not recorded, so the retry re-evaluates.
    expect((await c.call("dispatch_technician", { reason: "packet loss" })).data).toMatchObject({ status: "booked", slot: { id: "SLOT-3" } });
  });

  it("dispatches C-1004 (cut drop cable, no outage) to SLOT-1 after a failed reset", async () => {
    const c = await network("C-1004");
    expect((await c.call("check_outage")).data.outage).toBeNull();
    expect((await c.call("remote_reset")).data).toMatchObject({ status: "not_fixed", line: { lineStatus: "down" } });
    const booked = await c.call("dispatch_technician", { reason: "No signal, reset failed" });
    expect(booked.data).toMatchObject({ status: "booked", slot: { id: "SLOT-1", zone: "east-2", startsAt: "2026-11-17T09:00:00.000Z" } });
    const row = await db.dispatch.findUniqueOrThrow({ where: { id: booked.data.dispatchId } });
    expect(row).toMatchObject({ customerId: "C-1004", slotId: "SLOT-1", runId: "run-C-1004" });
    expect((await db.worldVersion.findUniqueOrThrow({ where: { id: "world" } })).version).toBe(1);
  });

  it("refuses a dispatch inside the outage (C-1003) and on a suspended account (C-1008)", async () => {
    const c1003 = await network("C-1003");
    expect((await c1003.call("remote_reset")).data.status).toBe("not_fixed");
    const r = await c1003.call("dispatch_technician", { reason: "down" });
    expect(r.data).toMatchObject({ status: "refused" });
    expect(r.data.reason).toContain("OUT-77");
    const c1008 = await network("C-1008");
    expect((await c1008.call("remote_reset")).data).toMatchObject({ status: "refused" });
    expect((await c1008.call("dispatch_technician", { reason: "down" })).data).toMatchObject({ status: "refused" });
    expect(await db.dispatch.count()).toBe(0);
  });

  it("gives the next customer in the zone the next slot, and a second request the same booking", async () => {
    await db.lineState.update({ where: { customerId: "C-1002" }, data: { status: "down", fixableRemotely: false } });
    expect((await (await network("C-1004")).call("dispatch_technician", { reason: "down" })).data.slot.id).toBe("SLOT-1");
    expect((await (await network("C-1002")).call("dispatch_technician", { reason: "down" })).data.slot.id).toBe("SLOT-2");
    const again = await (await network("C-1004", "run-other")).call("dispatch_technician", { reason: "still down" });
    expect(again.data).toMatchObject({ status: "already_booked", slot: { id: "SLOT-1" } });
    await db.lineState.update({ where: { customerId: "C-1011" }, data: { status: "down", fixableRemotely: false } });
    expect((await (await network("C-1011")).call("dispatch_technician", { reason: "down" })).data.status).toBe("no_slot");
  });

  it("outside a run, requires an idempotency key for side effects", async () => {
    const c = await network("C-1004", null);
    const r = await c.call("remote_reset");
    expect(r).toMatchObject({ isError: true, data: { error: "idempotency_key_required" } });
    expect((await c.call("remote_reset", { idempotencyKey: "reset-abc-123" })).data.status).toBe("not_fixed");
    // The recent failed reset (lastResetAt) is what allows the dispatch outside a run.
    const booked = await c.call("dispatch_technician", { reason: "down", idempotencyKey: "dispatch-abc-123" });
    expect(booked.data).toMatchObject({ status: "booked", replayed: false });
    const replay = await c.call("dispatch_technician", { reason: "down", idempotencyKey: "dispatch-abc-123" });
    expect(replay.data).toMatchObject({ status: "booked", dispatchId: booked.data.dispatchId, replayed: true });
    expect(await db.dispatch.count()).toBe(1);
  });
});
