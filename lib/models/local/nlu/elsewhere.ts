/**
 * Requests that share our money and service words but are the customer's business with
 * someone else: their own money elsewhere (pay, tax, a bank's rates, balances, limits and
 * transfers, benefits, loans), mobile phone service (we sell none) and requests to the
 * assistant about itself (its voice, its name, pairing a phone with it). A linear classifier reads "balance", "rate", "pay",
 * "credit" and "account" as our bill; these phrases say whose they are. A message that
 * also names something only ours (the internet, the router, an invoice, "my bill") is
 * left to the classifier: "can I pay my internet bill by direct deposit?" is billing.
 */

const OTHER_MONEY = [
  /\b(apr|interest rates?|credit scores?|credit ratings?|credit limits?|spending limits?|overdraft)\b/,
  /\b(bank|checking|savings) (account|balance)s?\b/, /\b(direct deposit|routing number|wire transfer)\b/,
  /\b(move|moving|transfer|transferring|send|sending|shift|shifting)\b[^.?!]{0,30}\b(money|funds|cash)\b/, /\bmoney (from|between|into|to) (one|my|two|an?)\b/, /\b(from|into|to) (my |the )?(savings|checking)\b/,
  /\b(get|got|getting|be|been|am i|are we|was i|were we|is my \w+) (paid|payed)\b(?! back)/, /\bpay ?(day|check|cheque|slip|stub)s?\b/,
  /\b(salary|wages?|income|earnings|compensation|paycheck|payslip|bonus)\b/, /\bhow much (do|did|will) i (make|earn)\b/, /\b(am i|i am|i'm) (earning|making)\b/,
  /\b(taxes|tax return|tax bracket|tax burden|tax rate|tax refund|irs|w-?2|1099|taxed)\b/,
  /\b(health|medical|dental|vision|life|car|home|travel) (plan|insurance|coverage|cover|benefits)\b/, /\bhealth ?care\b/, /\b(401k|401 k|pension|retirement)\b/,
  /\b(student|car|home|personal|payday) loans?\b/, /\bmortgage\b/, /\b(lend|loan|borrow)\b[^.?!]{0,20}\b(money|cash|dollars|bucks|\d+)\b/,
  /\b(reward|rewards|loyalty) points\b/, /\bexchange rate\b/, /\bin (euros|dollars|pounds|yen|pesos|rupees)\b/,
];

// Mobile service is another company's: we sell fiber to the home, no phone plans or data.
const MOBILE = [
  /\b(phone|mobile|cell|cellular|iphone|android) (plan|carrier|contract|provider|coverage|data|bill)s?\b/, /\bdata (left|allowance|plan|cap|top.?up)\b/,
  /\b(my|the|a|another|other) (cell |mobile |wireless )?carriers?\b/, /\bmore data on my phone\b/,
];

const TO_THE_ASSISTANT = [
  /\b(your|ur) (voice|name|accent|speech|boss|maker|creator|hobbies|hobby|volume)\b/,
  /\b(talk|speak|say it|say that|read)\w*\b[^.?!]{0,25}\b(slow|slower|slowly|fast|faster|quicker|louder|quieter)\b/,
  /\b(voice|talking|speaking|speech) (speed|rate|option|settings?)\b/, /\b(male|female|girl|boy|man's|woman's|deeper|higher) voice\b/,
  /\b(sync|unsync|pair|unpair|link|unlink|connect|disconnect)\w* (my \w+ )?(to|with|from) you\b/, /\byou (sync|pair|connect|link)\w* (to|with) my\b/,
  /\b(call|name|rename) you\b/, /\bwhisper mode\b/,
];

// Things only we have: a message naming one of them is ours to consider, whatever else it says.
const ONLY_OURS = /\b(internet|wi-?fi|router|fib(er|re)|gig|mbps|broadband|connection|outages?|technicians?|modem|signal|buffer\w*|lag\w*|roaming|autopay|invoices?|contract|(my|your|the|this|our|next|last) (monthly |internet |broadband )?(bill|plan)s?)\b/;

const normalise = (text: string) => text.toLowerCase().replace(/[\u2018\u2019`]/g, "'").replace(/\s+/g, " ");

/** Whether a message is the customer's business with someone else (see above), and names nothing only ours. */
export function belongsElsewhere(text: string): boolean {
  const t = normalise(text);
  if (ONLY_OURS.test(t)) return false;
  return [OTHER_MONEY, MOBILE, TO_THE_ASSISTANT].some((list) => list.some((r) => r.test(t)));
}
