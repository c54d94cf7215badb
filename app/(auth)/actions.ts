"use server";

import { AuthError } from "next-auth";
import { signIn, signOut } from "@/lib/auth/auth";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { signInSchema } from "@/lib/auth/credentials";

export type SignInState = { error: "invalid_input" | "invalid_credentials" | "unavailable"; email: string } | null;

/** Signs a staff member in; on success next-auth redirects to the callback path. */
export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const rawEmail = formData.get("email");
  const email = typeof rawEmail === "string" ? rawEmail : "";
  const parsed = signInSchema.safeParse({ email, password: formData.get("password") });
  if (!parsed.success) return { error: "invalid_input", email };
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallbackPath(formData.get("callbackUrl")) });
  } catch (err) {
    // Success is a redirect, thrown as a Next.js control-flow error: let it through.
    if (!(err instanceof AuthError)) throw err;
    if (err.type === "CredentialsSignin") return { error: "invalid_credentials", email };
    // Anything else (database down, misconfiguration) is logged by next-auth, not shown.
    return { error: "unavailable", email };
  }
  return null;
}

/** Ends the staff session and returns to the home page. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/" });
}
