import { readCustomerFromRequest } from "@/lib/auth/customer-session";
import { customerTokenError } from "@/lib/auth/errors";
import { withApiErrors } from "@/lib/http/errors";

// Which customer a token (Bearer header or sb_customer cookie) stands for, so a host
// site or the chat widget can check its session before sending a message.
export const GET = withApiErrors("session", async (req: Request) => {
  const result = await readCustomerFromRequest(req);
  if (!result.ok) throw customerTokenError(result, "session");
  return Response.json(
    { customerId: result.customerId, expiresAt: result.expiresAt.toISOString() },
    { headers: { "cache-control": "no-store" } },
  );
});
