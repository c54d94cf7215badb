import { cookies } from "next/headers";
import { z } from "zod";
import { CUSTOMER_COOKIE, customerCookieMaxAge } from "@/lib/auth/customer-session";
import { MAX_TOKEN_LENGTH, verifyCustomerToken } from "@/lib/tokens/customer-token";
import { customerExists } from "@/lib/db/queries/runs";
import { customerTokenError } from "@/lib/auth/errors";
import { ApiError, invalidInput, withApiErrors } from "@/lib/http/errors";
import { isAllowedOrigin, widgetAllowedOrigins } from "@/lib/http/origins";
import { readGuardedJson } from "@/lib/http/request-guard";
import { getEngine } from "@/lib/server/app-process";

// The widget's token exchange. The /widget page receives the customer token from its
// host page by postMessage and trades it here for the httpOnly chat cookie, so that no
// script keeps the token afterwards and the event stream (EventSource, which cannot
// send headers) is authenticated too.
//
// The cookie lives inside a cross-site iframe: SameSite=None (else the browser would
// not send it from the frame), Secure (required with None; browsers treat
// http://localhost and 127.0.0.1 as secure for this), and Partitioned (CHIPS): it is
// kept under the host site's partition, so it works where third-party cookies are
// blocked and no other site that frames Switchboard ever sees it.

const bodySchema = z.object({ token: z.string().min(1).max(MAX_TOKEN_LENGTH), hostOrigin: z.string().max(300) });

export const POST = withApiErrors("session", async (req: Request) => {
  // Only the /widget page (Switchboard's own origin) trades a token for the cookie: another
  // site posting its own token here would plant a session in the victim's browser.
  const json = await readGuardedJson(req, { surface: "session", expected: "{ token, hostOrigin }" });
  const body = bodySchema.safeParse(json);
  if (!body.success) throw invalidInput("session", body.error.issues);
  // The page checked the message's origin already; checked again here so that the
  // rule does not live only in browser code.
  if (!isAllowedOrigin(body.data.hostOrigin, widgetAllowedOrigins())) {
    throw new ApiError("forbidden:origin", "This site may not embed the Switchboard chat: it is not in WIDGET_ALLOWED_ORIGINS.", {
      details: { origin: body.data.hostOrigin },
    });
  }
  const result = await verifyCustomerToken(body.data.token);
  if (!result.ok) throw customerTokenError(result, "session");
  if (!(await customerExists({ db: getEngine().db, customerId: result.customerId }))) {
    throw new ApiError("unauthorized:session", "The token's customer does not exist.", { details: { reason: "customer_unknown" } });
  }
  // Until the token stops being honoured (24 h after its iat at most, whatever its exp says).
  const maxAge = customerCookieMaxAge(result);
  (await cookies()).set(CUSTOMER_COOKIE, body.data.token, { httpOnly: true, secure: true, sameSite: "none", partitioned: true, path: "/", maxAge });
  return Response.json({ customerId: result.customerId, expiresAt: result.expiresAt.toISOString() }, { headers: { "cache-control": "no-store" } });
});
