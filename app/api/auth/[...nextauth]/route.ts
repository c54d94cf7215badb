import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/auth";
import { authRequestProblem } from "@/lib/auth/callback-url";
import { signInSchema } from "@/lib/auth/credentials";
import { signInLock } from "@/lib/auth/sign-in-throttle";
import { getDb } from "@/lib/db/client";
import { ApiError, withApiErrors } from "@/lib/http/errors";
import { clientIp } from "@/lib/http/client-address";

// Auth.js's own endpoints, with two checks in front:
// - a callbackUrl (query or cookie) that is not an http(s) URL makes Auth.js throw
//   InvalidCallbackUrl, which it answers with a 500: here it is a 400, and the bad
//   cookie is cleared so the browser does not keep sending it;
// - a password posted straight to the credentials callback for a locked account (or
//   from a locked address) is a 429 with Retry-After, as the sign-in page says it.

const CREDENTIALS_CALLBACK = /\/api\/auth\/callback\/credentials\/?$/;

async function guard(req: NextRequest): Promise<void> {
  const problem = authRequestProblem(req);
  if (problem) {
    throw new ApiError("bad_request:auth", `callbackUrl must be a path on this site or an http(s) URL: ${problem.where} is not.`, {
      details: { reason: "invalid_callback_url", where: problem.where },
      headers: problem.where === "cookie" ? { "set-cookie": `${problem.cookie}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax` } : {},
    });
  }
  if (req.method === "POST" && CREDENTIALS_CALLBACK.test(new URL(req.url).pathname)) {
    const form = await req.clone().formData().catch(() => null);
    const email = signInSchema.shape.email.safeParse(form?.get("email"));
    if (!email.success) return;
    const lock = await signInLock(getDb(), { email: email.data, ip: clientIp(req.headers) });
    if (lock.locked) {
      throw new ApiError("rate_limited:auth", `Too many wrong passwords: sign-in is locked. Try again in ${lock.retryAfterSeconds} s.`, {
        details: { limit: lock.scope === "account" ? "sign_in_failures_per_account" : "sign_in_failures_per_ip", retryAfterSeconds: lock.retryAfterSeconds },
        headers: { "retry-after": String(lock.retryAfterSeconds) },
      });
    }
  }
}

export const GET = withApiErrors("auth", async (req: NextRequest) => {
  await guard(req);
  return handlers.GET(req);
});

export const POST = withApiErrors("auth", async (req: NextRequest) => {
  await guard(req);
  return handlers.POST(req);
});
