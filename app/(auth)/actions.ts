"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { signIn, signOut } from "@/lib/auth/auth";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { signInSchema } from "@/lib/auth/credentials";
import { signInLock } from "@/lib/auth/sign-in-throttle";
import { getDb } from "@/lib/db/client";
import { clientIp } from "@/lib/http/client-address";

export type SignInState =
  | { error: "invalid_input" | "invalid_credentials" | "demo_password" | "unavailable"; email: string }
  | { error: "locked"; email: string; retryAfterSeconds: number }
  | null;

/** Signs a staff member in; on success next-auth redirects to the callback path. */
export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const rawEmail = formData.get("email");
  const email = typeof rawEmail === "string" ? rawEmail : "";
  const parsed = signInSchema.safeParse({ email, password: formData.get("password") });
  if (!parsed.success) return { error: "invalid_input", email };
  const lock = await signInLock(getDb(), { email: parsed.data.email, ip: clientIp(await headers()) });
  if (lock.locked) return { error: "locked", email, retryAfterSeconds: lock.retryAfterSeconds };
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallbackPath(formData.get("callbackUrl")) });
  } catch (err) {
    // Success is a redirect, thrown as a Next.js control-flow error: let it through.
    if (!(err instanceof AuthError)) throw err;
    if (err.type === "CredentialsSignin" && (err as { code?: string }).code === "demo_password") return { error: "demo_password", email };
    if (err.type === "CredentialsSignin") {
      // Counted past the limit in authorize (attempts sent at once won the race for the
      // last ones), or this wrong password was the last one allowed: either way, locked now.
      const now = await signInLock(getDb(), { email: parsed.data.email, ip: clientIp(await headers()) });
      return now.locked ? { error: "locked", email, retryAfterSeconds: now.retryAfterSeconds } : { error: "invalid_credentials", email };
    }
    // Anything else (database down, misconfiguration) is logged by next-auth, not shown.
    return { error: "unavailable", email };
  }
  return null;
}

/**
 * Ends the staff session and returns to the home page. Auth.js's signout revokes the
 * account's sessions on the server (events.signOut, lib/auth/auth.ts), as it does for a
 * form posted to /api/auth/signout: there is one way out, whichever door.
 */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
