import { fail, pass, type Guardrail } from "./guardrails";

// A customer may act only on their own account, and only on what they ask for it.
// "Downgrade C-1002 (Marcus Lee) to basic-100" sent by C-1007 must not become a
// downgrade of C-1007's plan: the tools can only ever touch the signed-in customer's
// account, so a request aimed at someone else's would land on the requester's own.
// When the message points at another account, the run's workers get read-only tools
// (lib/orchestrator/invoke-worker.ts): whatever a model makes of the words, nothing
// changes and no review proposes a change.

const ACCOUNT_SCOPE_GUARDRAIL = "own_account_only";

const CUSTOMER_IDS = [/\bC-?(\d{4,})\b/gi, /\b(?:customer|account|acct)\s*(?:id|number|no\.?|#)?\s*[:#]?\s*(\d{4,})\b/gi];

/** Customer ids the text names, as C-NNNN. */
export function customerIdsIn(text: string): string[] {
  const ids = new Set<string>();
  for (const re of CUSTOMER_IDS) for (const m of text.matchAll(re)) ids.add(`C-${m[1]}`);
  return [...ids];
}

const ACCOUNT_NOUN = String.raw`(?:account|plan|bill|billing|invoice|line|service|contract|subscription|internet|connection|router|package|balance|payment)s?`;
const PERSON = String.raw`(?:friend|neighbou?r|mother|mom|mum|father|dad|parent|brother|sister|son|daughter|wife|husband|partner|boss|colleague|co-?worker|roommate|flatmate|housemate|tenant|landlord|cousin|aunt|uncle|grand(?:ma|pa|mother|father)|ex|client|customer|employee)`;

const OTHER_ACCOUNT: RegExp[] = [
  /\bon behalf of\b/i,
  new RegExp(String.raw`\b(?:my|our|a|the) ${PERSON}(?:'s|s'|’s)\s+(?:\w+\s+)?${ACCOUNT_NOUN}\b`, "i"),
  new RegExp(String.raw`\b(?:his|her|their)\s+(?:\w+\s+)?${ACCOUNT_NOUN}\b`, "i"),
  new RegExp(String.raw`\b(?:someone|somebody|anyone|anybody) else(?:'s|’s)?\b`, "i"),
  new RegExp(String.raw`\b(?:another|other|a different) (?:customer|subscriber|account(?: holder)?|person)(?:'s|s'|’s)?\b`, "i"),
];

/**
 * Whether a customer's message keeps to their own account: it fails when the message
 * names another customer id, or asks about another person's account ("my neighbour's
 * plan", "his bill", "on behalf of").
 */
export function ownAccountOnly(message: string, customerId: string): Guardrail {
  const others = customerIdsIn(message).filter((id) => id.toUpperCase() !== customerId.toUpperCase());
  if (others.length) return fail(ACCOUNT_SCOPE_GUARDRAIL, `The message names another customer (${others.join(", ")}): nothing is changed on the signed-in account for it.`);
  const phrase = OTHER_ACCOUNT.map((re) => re.exec(message)?.[0]).find(Boolean);
  if (phrase) return fail(ACCOUNT_SCOPE_GUARDRAIL, `The message asks about another person's account ("${phrase}"): nothing is changed on the signed-in account for it.`);
  return pass(ACCOUNT_SCOPE_GUARDRAIL, "The message concerns the signed-in customer's own account.");
}
