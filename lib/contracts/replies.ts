// The supervisor's own words: it answers small talk and declines out-of-scope
// requests itself, without a worker (and without a model, when one omits them).

const SMALL_TALK_BYE = /\b(thanks|thank you|thank u|thx|ty|cheers|appreciate|appreciated|bye|goodbye|that'?s all)\b/i;

/** The supervisor's own words for small talk: it answers these without a worker. */
export function smallTalkReply(text: string): string {
  if (SMALL_TALK_BYE.test(text)) return "You're welcome! If anything else comes up with your bill, your connection or your plan, just message me here.";
  return "Hi! I'm the Switchboard assistant. I can help with your bill, your internet connection, and your plan or account. What can I do for you today?";
}

export const DECLINE_REPLY =
  "I'm sorry, but I can only help with your account here: billing and charges, your internet connection, and your plan. That request is outside what I can do. Is there anything about your service I can help with?";
