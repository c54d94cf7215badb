import { customerUnauthorizedResponse, readCustomerFromRequest } from "@/lib/auth/customer-session";

// Which customer a token (Bearer header or sb_customer cookie) stands for, so a host
// site or the chat widget can check its session before sending a message.
export async function GET(req: Request) {
  const result = readCustomerFromRequest(req);
  if (!result.ok) return customerUnauthorizedResponse(result);
  return Response.json(
    { customerId: result.customerId, expiresAt: result.expiresAt.toISOString() },
    { headers: { "cache-control": "no-store" } },
  );
}
