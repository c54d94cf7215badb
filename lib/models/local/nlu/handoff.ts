/**
 * When the customer needs a person rather than another answer (the supervisor's plan of
 * kind `handoff`):
 *
 * - they ask for one, in any wording: "let me talk to a human", "get me a manager",
 *   "can someone call me back", "escalate this", or just "agent";
 * - they write in distress about the service itself: "you're useless", "nobody helps",
 *   "I'm at my wits' end", "this is the third time I'm writing";
 * - the conversation goes in circles: the same ask a third time, or an ask again right
 *   after a part of their request failed.
 *
 * Not: a question about the assistant ("is this a real person?", "are you a bot?"), a
 * person in another sense ("human error on my bill", "personal details", "call me Sam"),
 * or a complaint about the connection ("my wifi is useless"), which a worker can fix.
 * Deterministic, from word lists that describe how people ask for a person.
 */
import { jaccard, stem } from "./text";

// Chat spellings of the words that matter here ("talk 2 a real persn", "hooman pls", "ur boss").
const SPELLINGS: Array<[RegExp, string]> = [
  [/\b(agnet|agetn|agen|agant|agents?)\b/g, "agent"], [/\b(hooman|humen|hman|humn|humna)\b/g, "human"], [/\b(persn|peron|prson|perosn)\b/g, "person"],
  [/\bur\b/g, "your"], [/\b2\b/g, "to"], [/\b(wanna|wana)\b/g, "want to"], [/\bplz|pls\b/g, "please"],
];
const normalise = (text: string) =>
  SPELLINGS.reduce((t, [re, to]) => t.replace(re, to), text.toLowerCase().replace(/[\u2018\u2019`]/g, "'").replace(/\s+/g, " ").trim());

const PERSON =
  "(?:a |an |some |one of your |your |to your |the )?(?:real |actual |live |human |proper |flesh and blood |customer service |support |tech |technical )?(?:person|human being|human|humans|agent|agents|representative|rep|operator|manager|supervisor|staff member|member of staff|employee|someone|somebody|people|advisor|adviser|colleague|team member|team|boss|someone in charge|customer service)";

const ASKS = [
  // "talk to a human", "speak with someone from your team", "chat to an agent"
  new RegExp(`\\b(talk|speak|chat|discuss this|deal)\\w* (to|with) ${PERSON}\\b`),
  // "transfer me to an agent", "put me through to a person", "connect me with a rep", "be transferred to"
  new RegExp(`\\b(transfer|put|connect|pass|forward|hand)\\w* (me|this|us|my (case|call|chat|complaint)) (through |over |on )?(to|with) ${PERSON}\\b`),
  new RegExp(`\\bbe (transferred|connected|put through|passed) (to|with) ${PERSON}\\b`),
  // "reach an actual human", "get hold of someone", "complain to someone in charge"
  new RegExp(`\\b(reach|contact|get hold of|get through to|complain to) ${PERSON}\\b`),
  // "help from an actual person", "can a person help me", "a member of staff could contact me"
  /\b(help|answer|call|reply) from (a |an |some )?(real |actual |live )?(person|human|agent|someone)\b/,
  /\b(a |an )?(real |actual |live )?(person|human|agent|member of staff|staff member|someone from your team) (could |can |to |should |please |will )?(help|call|contact|email|ring|phone|look at) (me|us|this)\b/,
  // "get me a manager", "i want a human", "i need a real person", "find me someone"
  new RegExp(`\\b(get|give|find|fetch|bring) me ${PERSON}\\b`),
  new RegExp(`\\b(i|we) (want|need|demand|would like|'d like|wanna|need to see|want to see) ${PERSON}\\b`),
  new RegExp(`\\b(can|could|may) (i|we) (have|get) ${PERSON}\\b`),
  /\b(want|need|get|have|let|like|can|could|send|put me)\b[^.?!]{0,30}\bsomeone from your (team|company|side|office|support|staff)\b/,
  /\b(escalate|escalation)\b/, /^(a |an )?(real )?(human|agent|person|operator|representative)( please)?\b/, /\bno more (bot|bots|robot|machine|ai)\b/, /^((a|an|some|real|actual|live) )*(human|agent|operator|representative|manager|supervisor|person)\s*(please|now|asap)?\s*[!.]*$/,
  // a call back: "call me", "ring me back", "give me a call", "have someone phone me"
  /\b(call|ring|phone) me( back| later| today| tomorrow| asap| please| on| at| as soon| when|$|[,.!?])/, /\b(give|gimme) (me|us) a (call|ring|bell)\b/,
  /\b(someone|somebody|anyone|a person|an agent) (to |who can |could |can |should )?(call|ring|phone|contact|get in touch with) me\b/,
  /\b(callback|call back)\b/,
  // a complaint about the company, to be heard by a person
  /\b(file|make|lodge|raise|submit) (a )?(formal |official )?complaint\b/,
  // a few other languages: Spanish, German, French, Portuguese, Italian
  /\b(hablar|habla) con (una persona|un agente|alguien|un humano)\b/, /\bmit (einem|einer) (mitarbeiter|mitarbeiterin|menschen|person)\b/,
  /\bparler (à|a|avec) (une personne|un agent|quelqu'un|un humain)\b/, /\bfalar com (uma pessoa|um atendente|alguém)\b/, /\bparlare con (una persona|un operatore)\b/,
];

// A person in another sense, or a question about the assistant.
const NOT_ASKING = [
  /\b(are|is) (you|this|it|that) (a |an )?(real |actual |live )?(person|human|bot|robot|ai|machine|computer)\b/,
  /\b(am i|are we) (chatting|talking|speaking|texting|writing) (to|with)\b/, /\b(are|is) (you|this|it) (an? )?(ai|bot|robot)( or)\b/,
  /\bhuman error\b/, /\bcall me (by|[a-z]+ from now|mr|mrs|ms|dr)\b/, /\bcall me [a-z]+$/,
];

// Distress or a complaint about the help itself (not about the connection).
const DISTRESS = [
  /\b(you'?re|you are|you'?ve been|this (chat|bot|assistant|service|thing) is|the (bot|assistant|chat) is|your (answers|replies|support) (are|is))\s+(completely |totally |absolutely |so |really )?(useless|pointless|hopeless|no help|not helping|a joke|rubbish|garbage|worthless)\b/,
  /\b(nobody|no one|no-one) (ever )?(helps|listens|is helping|cares|answers|gets back)\b/, /\bnothing works and\b/,
  /\b(losing my mind|at my wits'? end|going (round|around) in circles|i give up|fed up with (you|this)|sick (and tired )?of (you|this|being)|had enough of (you|this)|in tears|i'?m crying|desperate)\b/,
  /\b(third|fourth|fifth|3rd|4th|5th|umpteenth) time (i'?m |i am |i have |i've )?(asking|writing|contacting|calling|messaging|telling|explaining|chatting)\b/, /\bhow many times (do|have|must) i\b/,
  /\b(same|identical) (useless |stupid )?(answer|reply|response|thing) (again|every time|over and over)\b/,
  /\byour (service|company|support|customer service|help) (is|has been) (an? )?(absolute |complete |total |utter )?(joke|disgrace|nightmare|the worst|terrible|awful|useless|rubbish|shambles)\b/,
  /\bworst (provider|company|service|isp)\b/, /\b(terrible|awful|appalling|disgraceful) (customer )?service\b/, /\bnobody ever (fixes|helps|answers)\b/,
  /\bcan'?t (do|take) this any ?more\b/, /\b(please )?(somebody|someone|anybody|anyone) (please )?help me\b/, /\b(end of my rope|so stressed|breaking down)\b/,
];

// The customer says they have asked before: the conversation goes in circles in their own words.
const REPEATING = [
  /\b(for the|a|the|this is the|that'?s the) (third|fourth|fifth|3rd|4th|5th|umpteenth|hundredth) time\b/, /\b(third|fourth|3rd|4th) time now\b/,
  /\b(asked|told|said|written|requested|begged)( you)? (three|3|four|4|five|5|several|many|multiple|so many) times\b/, /\bthat'?s (three|four|3|4) times\b/,
  /^one more time\b/, /\bhow many more times\b/,
];

/** Whether the customer asks for a person, in any wording (and not a question about the assistant). */
export function asksForPerson(text: string): boolean {
  const t = normalise(text);
  if (NOT_ASKING.some((r) => r.test(t)) && !/\b(talk|speak|transfer|get me|want|need)\b/.test(t.replace(/\b(am i|are we) (chatting|talking|speaking|texting|writing)\b/g, ""))) return false;
  if (/\bhuman error\b/.test(t) && !ASKS.slice(0, 5).some((r) => r.test(t))) return false;
  if (/\bcall me (by|[a-z]+ from now|mr|mrs|ms|dr)\b/.test(t)) return false;
  return ASKS.some((r) => r.test(t));
}

/** Whether the customer writes in distress about the help they are getting. */
export function inDistress(text: string): boolean {
  const t = normalise(text);
  return DISTRESS.some((r) => r.test(t));
}

/** Whether the customer says they have asked this before ("for the third time", "I've asked you three times"). */
export function saysRepeated(text: string): boolean {
  const t = normalise(text);
  return REPEATING.some((r) => r.test(t));
}

// Praise with nothing asked ("the technician was really kind, just wanted to say so"):
// our words in it ("technician") are no request, and no worker should act on them.
const PRAISE = /\b(just wanted to (say|let you know)|wanted to say (thanks|thank you)|thank you for|thanks for|(was|were) (really |so |very |super |incredibly )?(kind|great|helpful|lovely|nice|friendly|brilliant|professional|polite|quick))\b/;
const BUT_ALSO = /\?|\b(but|however|still|again|not working|isn'?t|won'?t|can'?t|doesn'?t|problem|issue|slow|down|broken|dropping|need|please)\b/;

/** Whether the message praises the help and asks for nothing. */
export function praisesOnly(text: string): boolean {
  const t = normalise(text);
  return PRAISE.test(t) && !BUT_ALSO.test(t);
}

/** Whether two asks are the same one in other words (their content words mostly shared). */
export function sameAsk(a: string, b: string, minOverlap = 0.34): boolean {
  return jaccard(contentOnly(a), contentOnly(b)) >= minOverlap;
}

const FILLERS = new Set("i me my we our you your it its it's the a an to of for and or but is are was be been do does did can could would will please just still again so this that what why how when on in at with have has any every really seriously even yet now ok okay".split(" "));
const contentOnly = (text: string) => new Set(normalise(text).split(/[^a-z0-9']+/).filter((w) => w && !FILLERS.has(w)).map((w) => stem(w.length > 3 ? w.replace(/s$/, "") : w)));
