// The messages between widget.js on the host page and the /widget page in its iframe.
// public/widget.js spells the same strings (it is plain JavaScript served as is).
//
//   iframe → host  ready          the page is listening; send a token
//   host → iframe  token {token}  a customer token the host's backend just issued
//   iframe → host  session {ok, reason?}  the token was (not) accepted
//   iframe → host  token-needed   the session expired: fetch a new token
//   iframe → host  close          the customer pressed Escape inside the chat
//
// Every message is posted with an exact target origin (never "*") and accepted only
// from the expected window and origin.

export const WIDGET_MESSAGE = {
  ready: "switchboard:ready",
  token: "switchboard:token",
  session: "switchboard:session",
  tokenNeeded: "switchboard:token-needed",
  close: "switchboard:close",
} as const;
