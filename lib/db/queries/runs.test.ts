import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetTestWorld, useTestDb } from "@/test/db";
import { customerExists, getRunForViewer, getRunOwner } from "./runs";

// server-only throws outside a React Server Components build; these are plain queries.
vi.mock("server-only", () => ({}));

const db = useTestDb();

beforeEach(() => resetTestWorld(db));

async function someRun(customerId: string) {
  const conversation = await db.conversation.create({ data: { customerId } });
  return db.run.create({ data: { conversationId: conversation.id, customerId, input: "secret words of the customer", error: "db blew up" } });
}

describe("run queries", () => {
  it("reads a run's owner, and null for no such run", async () => {
    const run = await someRun("C-1001");
    expect(await getRunOwner({ db, runId: run.id })).toEqual({ customerId: "C-1001" });
    expect(await getRunOwner({ db, runId: "00000000-0000-4000-8000-000000000000" })).toBeNull();
  });

  it("shows a viewer the run without its input, error or lease", async () => {
    const run = await someRun("C-1002");
    const shown = await getRunForViewer({ db, runId: run.id });
    expect(shown).toMatchObject({ id: run.id, conversationId: run.conversationId, status: "queued", reply: null });
    expect(shown).not.toHaveProperty("input");
    expect(shown).not.toHaveProperty("error");
    expect(shown).not.toHaveProperty("leaseOwner");
    expect(await getRunForViewer({ db, runId: "00000000-0000-4000-8000-000000000000" })).toBeNull();
  });

  it("knows which customers exist", async () => {
    expect(await customerExists({ db, customerId: "C-1001" })).toBe(true);
    expect(await customerExists({ db, customerId: "C-9999" })).toBe(false);
  });
});
