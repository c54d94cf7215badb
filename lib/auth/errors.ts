import type { CustomerTokenFailure } from "../tokens/customer-token";
import type { AccessResult } from "./roles";
import { ApiError, type ErrorSurface } from "../http/errors";

// The two ways a caller is turned away, in the one error shape. `details.reason`
// keeps the machine-readable cause a client can act on (e.g. fetch a new token when
// it says customer_token_expired).

const TOKEN_MESSAGES: Record<CustomerTokenFailure, string> = {
  missing: "No customer token: send Authorization: Bearer <token> or the sb_customer cookie.",
  malformed: "The customer token is malformed.",
  bad_signature: "The customer token's signature is not valid.",
  expired: "The customer token has expired: ask the host site for a new one.",
  wrong_audience: "The customer token is meant for another service (its aud claim is not this Switchboard's).",
  wrong_issuer: "The customer token comes from an issuer this Switchboard does not accept (its iss claim).",
  unknown_key: "The customer token names a signing key (kid) this Switchboard does not know.",
};

/** unauthorized:<surface> for a customer token that did not verify, with the Bearer challenge. */
export function customerTokenError(result: { error: CustomerTokenFailure }, surface: ErrorSurface): ApiError {
  return new ApiError(`unauthorized:${surface}`, TOKEN_MESSAGES[result.error], {
    details: { reason: `customer_token_${result.error}` },
    headers: {
      "www-authenticate": `Bearer realm="switchboard-chat", error="${result.error === "missing" ? "invalid_request" : "invalid_token"}"`,
    },
  });
}

/** unauthorized:<surface> without a staff session, forbidden:<surface> for a role that may not. */
export function staffAccessError(access: Extract<AccessResult, { ok: false }>, surface: ErrorSurface): ApiError {
  return access.error === "unauthorized"
    ? new ApiError(`unauthorized:${surface}`, "Sign in as a staff member first.")
    : new ApiError(`forbidden:${surface}`, "Your role may not do this.");
}
