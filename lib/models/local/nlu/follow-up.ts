/**
 * What a message does to the conversation before it (the supervisor's planning call
 * reads the conversation state from its prompt, lib/contracts/conversation.ts):
 *
 * - confirm: "ok do it", "yes please", "sign me up", "fine, switch me to it"
 * - retract: "never mind", "cancel that", "keep my plan", "actually no"
 * - status:  "any news on my refund?", "has it been approved yet?"
 * - ask:     a question that names no business of its own ("so when will it be fixed?")
 *
 * and which listed plan a reference names ("the fastest one", "the cheaper of the two",
 * "the 500 one"). Deterministic, from word lists that describe how people confirm,
 * withdraw and ask, not from any evaluation's phrasing.
 */
import type { ListedPlan, PendingAction, PlanOffer } from "../../../contracts";
import { namesAnotherBusiness, namesOurs } from "./text";

export type FollowUpAct = "confirm" | "retract" | "status" | "ask" | null;

/** Lower case, straight apostrophes, one space; a final "?" kept, other end punctuation dropped. */
function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019`]/g, "'").replace(/\s+/g, " ").trim().replace(/[.!,;:\s]+$/, "");
}

// Taking a request back, as against declining what was just offered: "never mind" or
// "cancel that" withdraws what waits for a specialist; "no thanks" or "I'm good" after
// "anything else?" does not, so only these strong forms ever withdraw.
const WITHDRAW = [
  /\bnever ?mind\b/, /\bforget (it|that|about it|the (\w+ )?(request|refund|credit|change|switch|upgrade|downgrade))\b/, /\bcancel (that|it|this)\b/,
  /\bcancel (my|the) (\w+ )?(request|refund|credit|claim|change|switch|upgrade|downgrade)\b/, /\bwithdraw\b/, /\btake (it|that) back\b/,
  /\bdrop (it|that|the (\w+ )?(request|refund|credit|claim|change|switch|upgrade|downgrade))\b/, /\bhold (it|that|the (\w+ )?(request|refund|credit|change|switch|upgrade|downgrade))\b/,
  /\b(don'?t|do not) (process|proceed|apply|submit|send|book|put|move|go through)\b/,
  // "don't change anything", "don't go ahead", "don't make the switch"; not "don't make me wait"
  /\b(don'?t|do not) (do|change|switch|make|go ahead with) (it|that|this|anything|any of it|the (change|switch|upgrade|downgrade))\b/, /\b(don'?t|do not) (go ahead|change anything)\b/, /\bchanged my mind\b/, /\bscratch that\b/, /\bhold off\b/,
  /\bkeep (my|the) (current |old |existing |same )?plan\b/, /\bstay (on|with) (my|the) (current |old )?plan\b/, /\bi'?ll (just )?stay (on|with|where|put|as)\b/,
  /\b(i )?(don'?t|do not) (want|need) (it|that|this|the \w+|my \w+)( \w+)? (any ?more|after all)\b/,
  /\b(that'?s|that is|it'?s|it is|way|much) too (much|expensive|pricey|steep|dear)\b/, /\bnot worth (it|the|that|this)\b/,
];
// Every way of taking something back or saying no to it.
const RETRACT = [
  ...WITHDRAW,
  /\bdon'?t bother\b/, /\bno,? thanks?\b/, /\bno thank you\b/, /\bleave it( as it is)?\b/,
  // "no" as an answer ("no, keep it", "no thanks", "no I don't"), not "no internet since 6" or "no need for a visit then?"
  /^(actually,? )?no(\s*[,.!]|$|\s+(thanks|thank|i|we|please|don'?t|do not|not|never|wait|stop|keep|leave|cancel|forget|way)\b)/, /\bnot (now|anymore|any more)\b/,
  /\b(i'?ll|i will|i'm gonna|i am going to|gonna) (pass|skip it|leave it)\b/, /\bforget (i asked|i said|i mentioned|what i said|the whole thing)\b/, /^nope\b/,
  /\b(i'?ll|let me|i need to|i want to|gonna) (think|sleep on|mull)\b/, /\bmaybe (later|another time|next month)\b/, /\b(come|get) back to (it|you|this)\b/,
  /\bpass on (it|that|this)\b/, /\bnot interested\b/, /\b(i'?m|i am) (good|fine|ok|okay) (then|for now|thanks|as i am)\b/,
  /^nah\b/, /\bnot paying\b/, /\b(i'?d|i would) rather (keep|stay|not|leave)\b/, /\bleave (things|it|everything) (as|the way) (it is|they are)\b/, /\bmy mistake\b/,
  /^not (the|that|this)\b/,
];

const CREDIT_WORDS = /\b(credit|refund|money back|reimburse\w*|compensat\w*|charge|fee)\b/;
// "change" and "switch" say nothing of which ("don't change anything" after a credit went to review).
const PLAN_WORDS = /\b(plan|upgrade|downgrade|fiber|gig|basic)\b/;

/**
 * What waits for a specialist that a retraction takes back: the items the conversation's
 * latest business turn sent (marked lastTurn), and any the message names by kind ("cancel
 * my refund request"); nothing for a mere "no thanks", or a retraction of something else.
 */
export function withdrawnPending(text: string, pending: PendingAction[]): PendingAction[] {
  const t = normalise(text);
  if (!WITHDRAW.some((r) => r.test(t))) return [];
  const names = (p: PendingAction) => (p.type === "credit" ? CREDIT_WORDS : PLAN_WORDS).test(t);
  const named = pending.filter(names);
  // A message that names a kind takes back that kind only ("cancel the refund" keeps a plan change waiting).
  if (named.length) return named;
  if (CREDIT_WORDS.test(t) || PLAN_WORDS.test(t)) return [];
  return pending.filter((p) => p.lastTurn);
}

const STATUS = [
  /\bany (news|update|updates|word|progress)\b/, /\b(what'?s|what is) the (status|latest)\b/, /\bstatus (of|on)\b/,
  /\bheard (back|anything)\b/, /\b(is|has|was) (it|that|this|the \w+|my \w+) (been )?(approved|done|gone through|processed|sorted|decided)\b/,
  /\bdid (it|that|my \w+) (go through|get approved|get processed)\b/, /\b(has|have|did) (someone|anyone|somebody|a specialist|they|you|a person) (approved|looked at|decided|reviewed|checked)\b/,
  /\bhow long\b[^.?!]{0,25}\b(review|approval|approve|decide|decision|specialist)\w*/, /\b(anyone|someone|somebody|a person) (actually )?(looking|working|dealing) (at|on|with) (it|this|that|my)\b/, /\bstill (waiting|pending)\b/, /\bhow long (will|does) (it|the review|approval)\b/,
];
// While something waits for a specialist, any question about its approval, who decides
// or how long it takes is about it ("has a manager signed off yet?", "who approves this,
// and when will I hear back?", "roughly how many days does that normally take").
const STATUS_WHILE_WAITING = [
  /\b(approv\w*|signed off|sign off|sign-off|decided|decide|decision|reviewed|review)\b/, /\bhear (back|anything)\b/, /\b(look|looking) at (it|this|that|my)\b/,
  /\bhow (long|many (days|hours))\b/, /\bwhen will (i|we|someone|somebody|anyone|they) (know|hear|get)\b/, /\bget back to me\b/,
];
const CONFIRM_START = /^(yes|yeah|yep|yup|sure|ok|okay|alright|all right|fine|great|perfect|please|go ahead|do it|deal|sounds good|that works|confirm|confirmed|proceed|absolutely|definitely|let'?s (do it|go))\b/;
const CONFIRM_ANY = [
  /\bgo ahead\b/, /\bdo it\b/, /\bdo that\b/, /\bsign me up\b/, /\bswitch me\b/, /\bmove me\b/, /\bput me on\b/, /\blet'?s do (it|that)\b/,
  /\bi'?ll take (it|that|the|one)\b/, /\bmake the (change|switch)\b/, /\byes,? please\b/, /\bplease do\b/, /\bbook it\b/, /\bthat one\b/,
  /\bi want (it|that|that one)\b/, /\bi'?d like (it|that|that one)\b/, /\bapply it\b/, /\bproceed\b/, /\bconfirm\b/, /\bgo on(,)? then\b/, /(^|[.!,;] ?)go on\b/, /\bgo for it\b/, /\bsounds (good|great|fine)\b/, /\bthat works\b/, /\bi'?m in\b/,
  /\bmake it happen\b/, /\b(change|switch|process|do|book) it( now| then| please)?$/, /\bprocess (it|that|the (change|switch|upgrade|downgrade|request))\b/, /\bi accept\b/, /\bfine by me\b/, /\bworth it\b/,
];
// A no next to a yes word ("ok no, hold it") is not a go-ahead, and neither is a thank
// you ("ok thanks", "great, thank you" after a quote close the topic; they agree to nothing).
const NEGATION = /\b(no|not|nah|don'?t|do not|never|nope)\b/;
const THANKS = /\b(thanks|thank you|thank u|thx|ty|cheers|appreciate|appreciated)\b/;
const QUESTION_START = /^(when|what time|how long|why|how come|how much|which|where|what|is|are|will|would|can|could|does|do|did|has|have)\b/;

// A bare question asks about what was just said and nothing else: every word is a
// function word, a word that points back ("it", "that", "the other one") or a verb or
// adverb any topic shares ("fixed", "coming", "take", "long"). "so when will it be fixed?"
// is bare; "is it going to rain tomorrow?" and "who won the game?" are not.
const FUNCTION_WORDS = new Set(
  ("so and but or then ok okay well hmm um oh also just really actually exactly again still yet now not no yes "
  + "roughly approximately about around probably likely usually normally even know tell say think longer sooner later less left "
  + "tonight today tomorrow seriously honestly next month week too happen again "
  + "when what whats what's time how long why which where who whom whose "
  + "will would shall should is isn't are aren't was were be been being am do does did doesn't don't can can't could "
  + "has have had has it it's its that that's this these those they them their there here one ones other another "
  + "the a an of to for in on at by with about from as than any some more much many "
  + "i i'm me my mine we us our you your yours").split(" "),
);
const POINTING = new Set("it it's its that that's this these those they them one ones other another".split(" "));
const SHARED = new Set(
  ("fix fixed fixing repaired sorted resolved back up working work works come coming arrive arriving arrives get getting "
  + "take takes taking happen happening happens done finished ready start started starting soon late cost costs include included "
  + "mean means sure expect going go goes be need needs home there present around wait waiting "
  + "monday tuesday wednesday thursday friday saturday sunday morning afternoon evening night am pm noon midnight "
  + "january february march april may june july august september october november december").split(" "),
);
// Dates and clock times ("the 17th", "at 10", "9:30") are no subject of their own either.
const DATE_OR_TIME = /^(\d{1,2}(st|nd|rd|th)?|\d{1,2}:\d{2}|\d{1,2}(am|pm))$/;

// Words that point back at what was just said: "it", "that", "they" (the technician),
// "anyone" (nobody is sent), "again" (said before).
const POINTS_BACK = /\b(it|its|it's|that|that's|this|those|these|they|them|their|anyone|anybody|someone|somebody|again)\b/;

/**
 * Whether a question points back at the last answer and brings no subject of its own:
 * a word that refers back, nothing of ours named (that would be a new request about
 * it) and no other business named. "what's causing it?" and "is that live already?"
 * point back; "is my router faulty too?" and "what's the weather tomorrow?" do not.
 */
export function pointsBack(text: string): boolean {
  // "this month" or "that evening" name a time, not the last answer.
  const t = normalise(text).replace(/\b(this|that|these|those|next|last) (month|week|year|morning|evening|afternoon|night|time|weekend|bill)s?\b/g, " ");
  return POINTS_BACK.test(t) && !namesOurs(t) && !namesAnotherBusiness(t);
}

/** Whether a question names nothing of its own and only points back at the last answer. */
export function isBareQuestion(text: string): boolean {
  const words = normalise(text).replace(/[?]/g, " ").split(/[^a-z0-9':]+/).filter(Boolean);
  if (words.length === 0 || words.length > 10) return false;
  if (!words.every((w) => FUNCTION_WORDS.has(w) || SHARED.has(w) || DATE_OR_TIME.test(w))) return false;
  return words.length <= 8 || words.some((w) => POINTING.has(w));
}

// Words that open a clause without saying anything: "ugh ok. yeah go on then".
const FILLER = /^(?:(?:ugh|hmm+|um+|uh+|oh|ah|well|right|so|and|but|then|ok so|alright so)[\s,]+)+/;

// What may come before a question word: "ok and roughly when ...", "yeah but how long ...".
const LEAD_IN = /^(?:(?:ok|okay|yes|yeah|and|so|but|then|also|just|roughly|approximately|about|um+|hmm+|ugh|well|right)[\s,]+)+/;

/** The clauses of a message, each without its leading filler words. */
function clauses(t: string): string[] {
  return t.split(/[.!;,]+\s*|\s+-\s+/).map((c) => c.trim().replace(FILLER, "")).filter(Boolean);
}

/**
 * The act of a message in a conversation, or null when it stands on its own. A
 * withdrawal wins over everything ("ok never mind"); then a question about a waiting
 * action; then an explicit go-ahead ("do it", "sign me up"); then a question ("ok and
 * when will it be back?"); then a clause that opens with a yes ("yeah go on then").
 */
export function followUpAct(text: string, opts: { waiting?: boolean } = {}): FollowUpAct {
  // "hmm no, not the gig", "ok no, hold the downgrade": the words before the no say nothing.
  const t = normalise(text).replace(/^(?:(?:ugh|hmm+|um+|uh+|oh|ah|well|right|so|ok|okay|yeah|erm|wait)[\s,.]+)+(?=(?:no|nah|nope)(?:\s*[,.!]|$)|not\b)/, "");
  if (RETRACT.some((r) => r.test(t))) return "retract";
  if (STATUS.some((r) => r.test(t))) return "status";
  const parts = clauses(t);
  const asks = t.endsWith("?") || parts.some((c) => QUESTION_START.test(c.replace(LEAD_IN, "")));
  if (opts.waiting && asks && STATUS_WHILE_WAITING.some((r) => r.test(t))) return "status";
  if (CONFIRM_ANY.some((r) => r.test(t))) return "confirm";
  if (asks) return "ask";
  if (parts.some((c) => CONFIRM_START.test(c)) && !NEGATION.test(t) && !THANKS.test(t)) return "confirm";
  return null;
}

type Choice = Pick<ListedPlan, "id" | "name" | "monthlyCents" | "downMbps">;

/**
 * The plan among `choices` a reference names: by name or speed ("fiber 500", "the 1 gig",
 * "the 500 one"), or by rank ("the fastest", "the cheaper one", "the slower of the two").
 * null when nothing is named, "ambiguous" when a rank is asked of no clear order.
 */
export function pickPlan(text: string, choices: Choice[]): Choice | "ambiguous" | null {
  if (choices.length === 0) return null;
  // A plan named only to be refused ("not the gig", "anything but the 500") is not picked.
  const t = normalise(text).replace(/\b(not|no|anything but|except|but not|rather than|instead of) (the |a |that |this )?[\w ]{1,20}?(plan|one|gig|\d+)\b/g, " ");
  // A word of the plan's name that no other choice has ("gig" in "Fiber 1 Gig") names it too.
  const words = (p: Choice) => p.name.toLowerCase().split(/\s+/).filter((w) => !/^\d+$/.test(w));
  const own = (p: Choice) => words(p).filter((w) => choices.every((o) => o === p || !words(o).includes(w)));
  const named = choices.filter((p) => {
    const name = p.name.toLowerCase();
    const speed = String(p.downMbps >= 1000 ? p.downMbps / 1000 : p.downMbps);
    return t.includes(name) || new RegExp(`\\b${speed}\\s*(mbps|meg|gig|g)?\\b`).test(t) || own(p).some((w) => new RegExp(`\\b${w}\\b`).test(t));
  });
  if (named.length === 1) return named[0];
  const bySpeed = [...choices].sort((a, b) => a.downMbps - b.downMbps);
  const byPrice = [...choices].sort((a, b) => a.monthlyCents - b.monthlyCents);
  if (/\b(fastest|quickest|top|best|premium|highest|biggest|most (speed|bandwidth))\b/.test(t)) return bySpeed.at(-1)!;
  if (/\b(slowest|lowest|smallest|basic|cheapest|least expensive)\b/.test(t)) return /\bslowest|lowest|smallest|basic\b/.test(t) ? bySpeed[0] : byPrice[0];
  if (/\bmost expensive|priciest\b/.test(t)) return byPrice.at(-1)!;
  if (choices.length === 3 && /\b(middle|in between|in the middle|mid)\b/.test(t)) return bySpeed[1];
  if (choices.length === 2) {
    if (/\b(faster|quicker|bigger|higher|more speed)\b/.test(t)) return bySpeed[1];
    if (/\b(slower|smaller|lower)\b/.test(t)) return bySpeed[0];
    if (/\b(cheaper|less expensive)\b/.test(t)) return byPrice[0];
    if (/\b(pricier|more expensive|dearer)\b/.test(t)) return byPrice[1];
    if (/\b(first|former)\b/.test(t)) return choices[0];
    if (/\b(second|latter|last)\b/.test(t)) return choices[1];
  }
  if (/\b(fast|cheap|slow)(er|est)\b|\b(first|second|last|former|latter)\b/.test(t)) return "ambiguous";
  return null;
}

/** The offer a confirmation takes up: the only one, or the one its words name. */
export function pickOffer(text: string, offers: PlanOffer[]): PlanOffer | "ambiguous" | null {
  if (offers.length === 0) return null;
  const picked = pickPlan(text, offers.map((o) => ({ id: o.toPlanId, name: o.toPlanName, monthlyCents: o.monthlyCents, downMbps: o.downMbps })));
  if (picked && picked !== "ambiguous") return offers.find((o) => o.toPlanId === picked.id)!;
  return offers.length === 1 ? offers[0] : "ambiguous";
}
