import { z } from "zod";
import { customerUnauthorizedResponse, readCustomerFromRequest } from "@/lib/auth/customer-session";
import { submitMessage } from "@/lib/orchestrator/engine";
import { RunStoreError } from "@/lib/orchestrator/store";
import { getEngine } from "@/lib/server/engine";

const bodySchema = z.object({
  message: z.string().trim().min(1, "message is empty").max(4000, "message is longer than 4000 characters"),
  conversationId: z.string().uuid().optional(),
});
const idempotencyKeySchema = z.string().min(8).max(200).regex(/^[\w.:-]+$/);

const noStore = { "cache-control": "no-store" };

/**
 * Starts a run for the authenticated customer (Bearer customer token or the chat
 * cookie). Returns 202 at once; the run executes server-side whether or not the
 * caller follows its events. An Idempotency-Key header makes retries safe.
 */
export async function POST(req: Request) {
  const who = readCustomerFromRequest(req);
  if (!who.ok) return customerUnauthorizedResponse(who);
  let json: unknown;
  try {
    json = await req.json();
  } catch {
    return Response.json({ error: "invalid_input", message: "Body must be JSON: { message, conversationId? }" }, { status: 400, headers: noStore });
  }
  const body = bodySchema.safeParse(json);
  if (!body.success) {
    return Response.json({ error: "invalid_input", message: body.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") }, { status: 400, headers: noStore });
  }
  const rawKey = req.headers.get("idempotency-key");
  const key = rawKey === null ? undefined : idempotencyKeySchema.safeParse(rawKey);
  if (key && !key.success) return Response.json({ error: "invalid_input", message: "Idempotency-Key must be 8-200 characters of letters, digits, . : _ -" }, { status: 400, headers: noStore });

  const engine = getEngine();
  const customer = await engine.db.customer.count({ where: { id: who.customerId } });
  if (!customer) return Response.json({ error: "unauthorized", code: "customer_unknown", message: "The token's customer does not exist." }, { status: 401, headers: noStore });
  try {
    const { run, created } = await submitMessage(engine, {
      customerId: who.customerId,
      message: body.data.message,
      conversationId: body.data.conversationId,
      // Scoped to the customer so one customer's key can never replay another's run.
      idempotencyKey: key?.data ? `${who.customerId}:${key.data}` : undefined,
    });
    return Response.json(
      { runId: run.id, conversationId: run.conversationId, status: run.status, created, eventsUrl: `/api/runs/${run.id}/events` },
      { status: created ? 202 : 200, headers: noStore },
    );
  } catch (err) {
    if (err instanceof RunStoreError && err.code === "conversation_not_found") {
      return Response.json({ error: "not_found", message: "No such conversation for this customer." }, { status: 404, headers: noStore });
    }
    console.error("[api/runs] failed to start a run", err);
    return Response.json({ error: "internal", message: "Could not start the run." }, { status: 500, headers: noStore });
  }
}
