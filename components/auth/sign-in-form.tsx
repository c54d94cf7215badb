"use client";

import { useActionState } from "react";
import { signInAction, type SignInState } from "@/app/(auth)/actions";
import { buttonStyles, inputStyles, labelStyles } from "@/components/ui/styles";

const MESSAGES: Record<Exclude<NonNullable<SignInState>["error"], "locked">, string> = {
  invalid_credentials: "Wrong email or password.",
  invalid_input: "Enter a valid email address and your password.",
  demo_password: "This account still has its demo password, which works only in demo mode. Ask an administrator to set a real one.",
  unavailable: "Sign-in is unavailable right now. Please try again in a moment.",
};

function message(state: NonNullable<SignInState>): string {
  if (state.error !== "locked") return MESSAGES[state.error];
  const minutes = Math.ceil(state.retryAfterSeconds / 60);
  return `Too many wrong passwords. Sign-in is locked for ${minutes === 1 ? "1 minute" : `${minutes} minutes`}; ask an admin if you have forgotten yours.`;
}

/** Email and password form; errors are announced and the email is kept, never the password. */
export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: "invalid_credentials" | "unavailable" }) {
  const [state, action, pending] = useActionState(signInAction, initialError ? { error: initialError, email: "" } : null);
  return (
    <form action={action} className="space-y-5" noValidate data-testid="sign-in-form">
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <div className="space-y-1.5">
        <label htmlFor="email" className={labelStyles}>
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={state?.email}
          className={inputStyles}
          data-testid="sign-in-email"
          aria-invalid={state ? true : undefined}
          aria-describedby={state ? "sign-in-error" : undefined}
        />
      </div>
      <div className="space-y-1.5">
        <label htmlFor="password" className={labelStyles}>
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={inputStyles}
          data-testid="sign-in-password"
          aria-invalid={state ? true : undefined}
          aria-describedby={state ? "sign-in-error" : undefined}
        />
      </div>
      {state ? (
        <p id="sign-in-error" role="alert" data-testid="sign-in-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200 ring-inset">
          {message(state)}
        </p>
      ) : null}
      <button type="submit" disabled={pending} className={`${buttonStyles.primary} w-full py-2`} data-testid="sign-in-submit">
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
