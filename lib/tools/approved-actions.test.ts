import { beforeEach, describe, expect, it } from "vitest";
import { resetTestWorld, useTestDb } from "../../test/db";
import { applyApprovedAction, proposedActionSchema } from "./approved-actions";
import { issueCredit } from "./billing/issue-credit";
import { changePlan } from "./crm/change-plan";
import { testContext } from "./test-helpers";

const db = useTestDb();

describe("approved actions", () => {
  beforeEach(() => resetTestWorld(db));

  it("executes exactly what issue_credit proposed (C-1011: $25 over the window limit)", async () => {
    const ctx = testContext(db, "C-1011", { runId: "run-a", taskId: "t1" });
    const proposal = await issueCredit.run(ctx, { invoiceId: "INV-1011-2611", amountCents: 2500, reason: "late fee" });
    expect(proposal.status).toBe("needs_approval");
    const action = proposedActionSchema.parse(proposal.proposedAction);
    const applied = await applyApprovedAction(ctx, action, "rev-a");
    expect(applied).toMatchObject({ status: "applied", amountCents: 2500, replayed: false });
    expect((await applyApprovedAction(ctx, action, "rev-a")).replayed).toBe(true);
    expect(await db.credit.count({ where: { customerId: "C-1011", source: "approved" } })).toBe(1);
  });

  it("executes exactly what change_plan proposed (C-1005: downgrade with a $160 fee)", async () => {
    const ctx = testContext(db, "C-1005", { runId: "run-b", taskId: "t1" });
    const proposal = await changePlan.run(ctx, { toPlanId: "fiber-300" });
    const applied = await applyApprovedAction(ctx, proposedActionSchema.parse(proposal.proposedAction), "rev-b");
    expect(applied).toMatchObject({ status: "applied", toPlanId: "fiber-300", feeCents: 16000 });
    expect((await db.customer.findUniqueOrThrow({ where: { id: "C-1005" } })).planId).toBe("fiber-300");
  });
});
