/**
 * Request analysis: the flags a worker's decision logic needs, from phrase
 * patterns plus the entity parsers. Deterministic; robust to casing, typos the
 * patterns anticipate, and chat-style abbreviations.
 */
import { ANALYSES_KEPT, memoByText } from "./memo";
import { fixPlanVerbTypos, parseAmountsCents, parseCustomerIds, parseDates, parseInvoiceIds, parsePlanTarget, type DateRef, type PlanInfo, type PlanTarget } from "./parsers";

export interface RequestAnalysis {
  /** Asks for money back: refund, credit, compensation, remove / waive / cancel a fee or charge. */
  wantsCredit: boolean;
  /** Questions or contests a charge: wrong, too high, never ordered, "what is this charge". */
  disputesCharge: boolean;
  /** Asks for someone to come out: technician, engineer, repair visit. */
  wantsTechnician: boolean;
  /** An explicit request to change plan (not a question about cost or a maybe). */
  wantsPlanChange: boolean;
  /** Asks what plans / options exist, or to compare them. */
  asksOptions: boolean;
  /** Asks what a change or leaving would cost (quote, fee, price difference). */
  asksQuote: boolean;
  asksContractEnd: boolean;
  /** Asks about an outage or when service will be back. */
  asksOutage: boolean;
  /** Reports that the service is down / off / not working at all. */
  reportsServiceDown: boolean;
  /** Reports slowness, buffering, lag or dropping connections. */
  reportsSlowOrUnstable: boolean;
  /** Mentions equipment lights (red / blinking / off lights on the router or fiber box). */
  mentionsEquipmentLights: boolean;
  /** Mentions an outage / downtime at all (question or not). */
  mentionsOutage: boolean;
  mentionsWifi: boolean;
  mentionsRestartedEquipment: boolean;
  /** Explicitly asks to cancel the contract / service / account. */
  wantsCancel: boolean;
  /** Considers leaving without asking for it ("thinking about cancelling"). */
  considersCancel: boolean;
  /** Prompt-injection markers (instructions aimed at the assistant, fake system / policy text). */
  injection: boolean;
  /** Customer ids named in the message (the authenticated customer is decided elsewhere). */
  claimedCustomerIds: string[];
  amountsCents: number[];
  invoiceIds: string[];
  dates: DateRef[];
  /** Plan target; `planId` is only resolved when plans are given. */
  planTarget: PlanTarget;
}

const any = (text: string, res: RegExp[]) => res.some((re) => re.test(text));

/** Lowercase, unify quotes and collapse whitespace, so patterns can stay simple. */
function prep(text: string): string {
  return ` ${fixPlanVerbTypos(text.toLowerCase()).replace(/(?:us)?\$\s?\d[\d,]*(?:\.\d+)?/g, "$amt").replace(/[\u2018\u2019`]/g, "'").replace(/\s+/g, " ")} `
    // contractions typed without the apostrophe: isnt, doesnt, wont, cant, dont
    .replace(/\b(is|was|are|were|do|does|did|has|have|had|could|would|should|wo|ca)nt\b/g, "$1n't")
    .replace(/\bpl[sz]\b/g, "please")
    .replace(/\bu\b/g, "you")
    .replace(/\bwi-?\s?fi\b/g, "wifi")
    .replace(/\bi'd\b|\bid\b(?= like)/g, "i would")
    .replace(/\bwanna\b/g, "want to")
    .replace(/\bgimme\b/g, "give me")
    // chat spellings of the words a fault report is made of: "intenet not workin"
    .replace(/\b(?:intenet|internt|inernet|intrnet|interent|interet|internat)\b/g, "internet")
    .replace(/\b(work|load|connect|dropp|buffer|lagg|keep)in\b/g, "$1ing");
}

// ------------------------------------------------------------- billing

const FEE = String.raw`(?:fee|fees|charge|charges|chrg|penalty|surcharge|late fee|roaming(?: pass| charge)?|add-?on(?: charge)?|rental(?: fee)?|stream\+?|router rental|overcharge|extra|item|line item|amount)`;
const CREDIT_RES: RegExp[] = [
  /\brefund/,
  /\breimburs/,
  /\bcompensat/,
  /\bmoney back\b|\bmy money\b|\bpay me back\b|\bowed? (?:me )?(?:some )?money\b/,
  /\bcredit(?:ed)?\b(?! card)(?! check)/,
  new RegExp(String.raw`\b(?:remove|take (?:off|away|out)|get rid of|waive|cancel|reverse|drop|delete|erase|wipe|strike|knock off|zero out)\b[^.?!]{0,30}\b${FEE}`),
  new RegExp(String.raw`\b${FEE}\b[^.?!]{0,30}\b(?:removed|waived|reversed|taken off|cancelled|canceled|dropped|refunded|credited)\b`),
  /\b(?:take|get) (?:it|that|this|them) (?:off|removed|back)\b/,
  // "take the roaming pass off", "get that fee off my bill"
  new RegExp(String.raw`\b(?:take|get|knock)\b[^.?!]{0,20}\b${FEE}\b[^.?!]{0,12}\boff\b`),
  /\b(?:remove|waive|reverse|get rid of|scrap|ditch) (?:it|that|this|them)\b/,
  // a charge that has to go: "the late fee needs to go", "that penalty has to come off"
  new RegExp(String.raw`\b${FEE}\b[^.?!]{0,25}\b(?:needs?|has|have|ought) to (?:go|come off|be (?:removed|taken off|dropped|waived))\b`),
  // "I want my $25 back", "give me the $15 back"
  /\$amt back\b|\bthe difference back\b/,
  /\bsomething off my bill\b|\boff my (?:bill|invoice)\b|\bdiscount\b|\bpartial refund\b|\bmoney off\b/,
  /\b(?:shouldn't|should not|won't|will not|not going to|refuse to) (?:have to )?pay (?:for|full)\b|\bnot paying (?:full price|for)\b/,
  /\berase my (?:overdue )?balance\b|\bmark (?:all )?my invoices as paid\b/,
];
const NO_CREDIT_RES: RegExp[] = [/\b(?:don't|do not|no need to|not asking for a) (?:want |need )?(?:a )?(?:refund|credit)\b/];

const DISPUTE_RES: RegExp[] = [
  /\bwrong\b|\bincorrect\b|\bmistake\b|\berror\b|\bnot right\b|\bisn't right\b|\bdoesn't (?:match|add up|look right)\b|\bdon't recogni[sz]e\b|\bnot mine\b|\bunfair\b/,
  /\btoo (?:high|much|expensive)\b|\bso (?:high|expensive)\b|\bway (?:more|higher|too)\b|\bovercharg|\bdouble[- ]?charg|\bcharged (?:me )?twice\b|\bbilled (?:me )?twice\b|\b2x\b|\bdbl\b/,
  /\bnever (?:turned|signed|ordered|activated|asked|agreed|authori[sz]ed|used|added|enabled|requested|subscribed|bought|purchased|paid for|got|had|wanted)\b|\bdidn't (?:order|sign up|authori[sz]e|agree|ask|add|turn|buy|purchase|want)\b|\bdid not (?:order|sign up|authori[sz]e|agree|ask|add|buy|purchase|want)\b|\bdon't (?:remember|even) (?:adding|ordering|travel)\b/,
  /\bwhat(?:'s| is| are)? (?:this|that|these|the) [^.?!]{0,25}\b(?:charge|fee|item|line|amount|penalty)s?\b/,
  /\bwhat(?:'s| is) [^.?!]{0,12}(?:<money>|\$\d)[^.?!]{0,25}\b(?:charge|fee|for)\b/,
  /\bwhy (?:(?:tf|wtf|the (?:hell|heck|fuck)|on earth|in the world) )?(?:is|was|are|were|do|does|did) (?:there|i|my|this|that|the)\b[^.?!]{0,40}\b(?:charg|fee|bill|invoice|paying|penalty|price|rate|late)/,
  // a fee and, in the same breath, "I paid": "a late fee, i paid!!"
  /\b(?:fee|charge|penalty)\b[^.?!]{0,30}\bi (?:already |did |have |had )?paid\b/,
  /\bwhy am i (?:being )?(?:charged|billed|paying)\b/,
  /\bstill (?:charg|bill|paying|shows?|has)\w*\b[^.?!]{0,40}\b(?:price|rate|plan|fee|old)\b/,
  /\bpaid (?:it )?(?:on time|early|before|on the due date|already|in time)\b|\balready paid\b|\bpayment (?:was|went (?:out|through|in)|arrived|cleared)\s+(?:on time|early|in time|before the due date)\b/,
  /\bdisput(?:e|es|ed|ing)\b|\bfraudulent\b|\bunauthori[sz]ed\b|\bshouldn't (?:be there|apply)\b|\bshould be \$?\d/,
  // a charge the customer says is not theirs to pay: "a fee I don't owe", "doesn't belong there", "I shouldn't have"
  /\b(?:don't|do not|shouldn't|should not|never) owe\b|\b(?:doesn't|does not|don't|do not) belong\b|\b(?:shouldn't|should not) (?:have|be (?:paying|charged|billed))\b/,
  // higher than it should be, said in a sentence of its own: "It seems higher than usual"
  /\b(?:seems|looks|is|was|came (?:in|out)|went)\b[^.?!]{0,15}\b(?:higher|more|bigger) than (?:usual|normal|last month|before|expected|it should be)\b/,
  // the bill says one thing and the customer another: "says Fiber 500 but I'm on Fiber 300", "$75 but my plan costs $60"
  /\b(?:bill|invoice|statement|line|charge)\b[^.?!]{0,12}\b(?:says|shows|lists|reads|is)\b[^.?!]{0,30}\bbut (?:i'm|i am|i've been|i have been|i was|i switched|i moved|we're|we are|my plan)\b/,
  /\$amt\b[^.?!]{0,30}\bbut\b[^.?!]{0,30}\$amt\b/,
  // a charge, then the change the customer made: "my invoice charged me for fiber 500 but I moved to 300"
  /\b(?:bill|invoice|statement)\b[^.?!]{0,40}\bbut (?:i|we) (?:moved|switched|changed|downgraded|upgraded|cancel\w*|went)\b/,
  // the same the other way round: "I'm on Fiber 300 but my bill charges me the Fiber 500 price"
  /\b(?:i'm|i am|i've been|i have been|we're|we are)\s+(?:on|paying for|signed up for|subscribed to)\b[^.?!]{0,30}\bbut\b[^.?!]{0,20}\b(?:bill|invoice|statement)\b[^.?!]{0,20}\b(?:charg|bill|show|say|list|read)\w*/,
  // a plan change the bill does not show: "switched down to Fiber 300 ... yet this invoice bills me $75"
  /\b(?:switched|moved|changed|downgraded|upgraded|went) (?:down |up |over )?(?:to|plans?)\b[^.?!]{0,40}\b(?:yet|but|and still|still)\b[^.?!]{0,30}\b(?:bill|charg|invoice)\w*/,
  /\bstill (?:at|on|says?|lists?|showing|shows)\b[^.?!]{0,40}\b(?:price|rate|plan|old|previous|fiber)\b/,
  /\b(?:bill|invoice|charges?|statement|total)\b[^.?!]{0,30}\b(?:high|off|wrong|higher|went up|jumped|doubled|increased|bigger|larger|more than (?:usual|normal|it should|last))\b/,
  // "why are you charging me", "how come my bill ...", "explain this fee"
  /\bwhy (?:are|r|do|did|would|have) (?:you|u|they)(?: guys)? (?:been )?(?:charg|bill|add)\w*/,
  /\bhow come\b[^.?!]{0,40}\b(?:charg|fee|bill|invoice|pay|price|penalt)/,
  /\bexplain\b[^.?!]{0,20}\b(?:this|that|the|these)\b[^.?!]{0,20}\b(?:fee|charge|penalty|line|amount)s?\b/,
  // paid in time, in the customer's own words: "the day it was due", "before the deadline", "on the 19th"
  /\b(?:paid|payment (?:went (?:out|through|thru)|cleared|left my account|was made|posted|was sent))\b[^.?!]{0,40}\b(?:(?:the )?day it was due|(?:by|before|on) (?:the )?(?:due date|deadline|due day)|(?:on|by|before) the \d{1,2}(?:st|nd|rd|th)?\b)/,
  /\b(?:never|not once|haven't ever|have never|not ever)\b[^.?!]{0,15}\b(?:been late|paid late|late (?:with|on) (?:a |my )?(?:payment|bill))|\bi always pay (?:on time|early|in full)\b/,
  // an add-on or line the customer never chose, an old plan still billed
  /\b(?:isn't|is not|wasn't|was not)\b[^.?!]{0,10}\bsomething i (?:ever )?(?:chose|ordered|signed up for|asked for|wanted|added)\b|\bnever (?:chose|wanted|picked|requested|selected)\b|\bmakes no sense\b|\bdoesn't make (?:any )?sense\b/,
  /\b(?:still|keep|keeps|kept)\b[^.?!]{0,10}\b(?:charg|bill)\w*\b[^.?!]{0,25}\b(?:old|previous|former|higher|earlier)\b|\b(?:old|previous|former) (?:plan(?:'s)?|tier(?:'s)?) (?:price|rate)\b|\b(?:charg|bill)\w* (?:me )?(?:for |at )?(?:the |my )?(?:old|previous|former) (?:plan|tier|price|rate)\b/,
];
const NOT_DISPUTE_RES: RegExp[] = [/\b(?:bill|invoice|charges?)\b (?:looks|is|seems|are) (?:fine|ok|okay|correct|right|good)\b|\bno problem with my bill\b/];

// ------------------------------------------------------------- tech

const TECHNICIAN_RES: RegExp[] = [
  /\btechnician\b(?! (?:visit )?(?:fee|charge))|\btechs?\b(?! support)(?! (?:visit )?(?:fee|charge))|\bengineer\b|\brepair ?(?:man|person|crew|visit|team)\b|\bon-?site\b/,
  /\bcome (?:out|over|round|around|by|and (?:fix|look|check))\b|\bsend (?:someone|somebody|a person|a tech|an engineer|a repair|help|out)\b/,
  /\b(?:someone|somebody) (?:to )?(?:come|visit|look at|check)\b|\b(?:home|repair|technician|engineer|site) visit\b|\b(?:schedule|book|arrange) (?:a |an )?(?:visit|repair|appointment)\b|\bin person\b|\b(?:repair|service|technician) appointment\b/,
];

const OUTAGE_ASK_RES: RegExp[] = [
  /\b(?:is|are) there (?:an? |any )?(?:known )?(?:outage|problems?|issues?|maintenance)\b/,
  /\boutage\b[^.!]{0,60}\?/,
  /\b(?:when|how long)\b[^.?!]{0,40}\b(?:back|fixed|restored|resolved|up again|back up|working again|be over|end)\b/,
  /\b(?:eta|any update|any news)\b/,
  /\bdown for everyone\b|\bjust me\b|\bin my (?:area|neighbou?rhood|street|zone|building)\b|\b(?:whole|entire) (?:street|area|neighbou?rhood|building)\b/,
  /\bwhat(?:'s| is) (?:going on|happening)\b|\bwhat happened\b|\bon your (?:end|side)\b/,
  /\bis (?:it|the (?:outage|internet|network|service)) (?:fixed|back|over|still down)\b/,
];

const DOWN_RES: RegExp[] = [
  /\bno (?:internet|service|connection|signal|network|dial tone|lights?)\b|\bnothing (?:works|loads|connects)\b/,
  /\b(?:internet|service|connection|line|network|net|wifi)(?:'s been|'s| is| has been| was| went| got| has gone| seems)? (?:completely |totally |still |all |just )?(?:down|off|out|dead|offline|gone|disconnected|cut(?: off)?|shut off|not working|stopped working)\b/,
  /\bwithout (?:any |an? )?(?:internet|service|connection|wifi|signal)\b/,
  /\bit(?:'s| is| has been| was) (?:completely |totally |still |all )?(?:down|dead|offline|not working)\b|\bstill down\b|\bis dead\b/,
  // a report that opens with its state: "down again.", "offline since 6am", "dead all day"
  /\b(?:down|offline|out) again\b|^\s*(?:down|offline|dead)\b(?!\s+(?:to|from|for|payment|the)\b)/,
  /\b(?:cut off|disconnected|offline|not working|stopped working|won't connect|can't connect|cannot connect|can not connect)\b/,
  /\b(?:internet|service|connection|line|network|wifi|net|it)\b[^.?!]{0,12}\b(?:isn't|aren't|doesn't|don't|won't|is not|does not|will not) (?:work|working|load|loading|connect|connecting)\b/,
];
const SLOW_RES: RegExp[] = [
  /\bslow|\bsluggish\b|\bcrawl|\bbuffer|\blag|\bping\b|\blatency\b|\bfreez|\bstutter|\bchoppy\b|\bspeeds? (?:are |is )?(?:terrible|awful|bad|poor|horrible|low)\b|\bfraction of (?:my|the) speed\b/,
  /\bdrop(?:s|ping|ped)?\b|\bdisconnect(?:s|ing)\b|\bcuts? (?:out|in and out)\b|\bcutting out\b|\bintermittent\b|\bunstable\b|\bflaky\b|\bunreliable\b|\bkeeps? (?:dropping|disconnecting|losing)\b/,
];
const LIGHTS_RES: RegExp[] = [/\blights?\b[^.?!]{0,30}\b(?:red|orange|amber|blink\w*|flash\w*|off|out)\b|\b(?:red|orange|amber|blinking|flashing|los|pon|alarm) lights?\b|\blights? (?:on|of) the (?:box|router|modem|ont)\b/];

// ------------------------------------------------------------- account

// A plan by name, speed or rank, as a whole noun phrase: "the gig plan", "fiber 500", "the 300 one".
const PLAN_NAMED = String.raw`(?:the |a )?(?:fiber ?\d+|\d{3,4}(?: ?mbps)?|gig(?:abit)?|1 ?gig|fastest|cheapest|basic|top)(?: (?:plan|one|tier|package|option))?`;
// "I move", "we were to switch", "I went down": the change an if-clause supposes.
const HYPOTHETICAL_CHANGE = String.raw`(?:i|we) (?:were to |was to |did |do |decide(?:d)? to |chose to |choose to |wanted to |want to )?(?:(?:upgrad|downgrad|mov|chang)(?:e|es|ed|ing)|switch(?:es|ed|ing)?|swap(?:s|ped|ping)?|go(?:es|ing)?|went|drop(?:s|ped|ping)?|step(?:s|ped|ping)?|come|came|take|took|get|got)\b`;
const CHANGE_VERB = String.raw`(?:upgrade|downgrade|switch|swap|move|change|put|bump|drop|step|go|get|sign|take)`;
const PLAN_CHANGE_RES: RegExp[] = [
  // imperatives: "upgrade me", "move me down to", "switch my plan to", "put me on"
  /(?:^\s*|[.!?;,]\s*|\b(?:please|pls|just|now|and|then|so|kindly|go ahead and)\s+)(?:upgrade|downgrade)\b(?! (?:options|fee|cost|price))/,
  /\b(?:upgrade|downgrade|switch|move|bump|put|drop|step|take|change|sign|get) (?:me|us|my (?:plan|package|service|account|subscription|tier))\b(?! (?:know|a (?:copy|receipt|quote)|the (?:bill|invoice)|my (?:bill|invoice|money)))/,
  /\b(?:switch|change|move) (?:over )?(?:to|into|onto) (?:the |a )?(?:fiber|gig|cheap|fast|basic|\d|plan|lower|higher|slower|smaller|bigger)/,
  // desire: "I want to downgrade", "I'd like to move to", "I need a cheaper plan"
  new RegExp(String.raw`\b(?:i|we|and|just|also)(?: (?:really|also|just|now|still|actually))? (?:want|would like|need|wish|wanna|am going|have decided|decided|'d like|would love) (?:to )?(?:please )?${CHANGE_VERB}\b(?! (?:know|a (?:copy|receipt|quote|refund|credit)|my (?:bill|invoice|money)|rid|back|help|out|through|in touch|someone))`),
  /\bi(?: really| just| definitely| actually)?(?: want| would(?: really| just| definitely)? like| need|'ll take| will take|'ll go with| will go with| choose| pick) (?:the |a |your )?(?:fiber ?\d+|\d{3,4} ?(?:mbps)?|gig|1 ?gig|gigabit|fastest|cheapest|basic|top|next (?:plan|tier|level|one))\b/,
  // "give me the top tier", "go for the gig one", "do the 500 one", "swap my plan for the cheapest"
  /\b(?:give|get) (?:me|us) (?:the |a )?(?:fiber ?\d+|\d{3,4} ?(?:mbps)?|gig|1 ?gig|gigabit|fastest|cheapest|basic|top|next|faster|cheaper|quicker)\b/,
  /(?:^\s*|[.!?;,]\s*|\b(?:please|just|ok|okay|then|so|yes|yeah|sure|let's)\s+)(?:go (?:for|with)|do|take) (?:the )?(?:fiber ?\d+|\d{3,4}(?: ?mbps)?|gig|gigabit|1 ?gig|fastest|cheapest|basic|top)(?: (?:one|plan|tier|package))?(?=\s*(?:$|[.!,;]|please\b|thanks\b|then\b))/,
  /\bswap (?:my |the |our )?(?:plan|package|tier|internet|speed)\b/,
  // colloquial moves, a change only with a direction or a destination after them: "knock me down to",
  // "stick us on the", "pop me onto", "bring me up to" (not "bring me up to speed")
  /\b(?:swap|knock|stick|pop|bring|shift|bump|slot) (?:me|us|my (?:plan|package|service|account|subscription|tier)) (?:over |back |across |straight )?(?:(?:down|up)\b(?! (?:to )?(?:speed|date)\b)|(?:on|onto|to|into) (?:the |a |your )?(?:fiber|gig|basic|cheap|fast|\d|plan|lower|higher|slower|smaller|bigger|next|top|premium))/,
  // the customer moving themselves: "I'd like to come down to the 300", "can I step up to fiber 500"
  /(?:^\s*|[.!?;,]\s*|\b(?:i|we|to|please|just|then|so)\s+)(?:come|step) (?:down|up|over|across) (?:to|onto) (?:the |a )?(?:fiber|gig|basic|cheap|fast|\d|plan|lower|higher|slower|smaller|bigger)/,
  // a plan named on its own with a please or thanks: "the 500 one please", "fiber 300, thanks"
  new RegExp(String.raw`^\s*(?:(?:ok|okay|yes|yeah|right|so|then|please)[,!]? )?${PLAN_NAMED}[,!]? (?:please|thanks|thank you|cheers|ta)\W*$`),
  /\bi(?: want| would like| need|'ll take| will take) (?:a |the )?(?:faster|cheaper|slower|smaller|bigger|lower|higher)(?: \w+)? (?:plan|tier|package)\b/,
  /\b(?:let's|lets) (?:do|go with|switch|upgrade|downgrade|move)\b/,
  /\bgo ahead (?:and )?(?:upgrade|downgrade|switch|change|move)\b/,
  // "can I get the X plan", "could you upgrade me", "can you switch me"
  /\b(?:can|could|may) (?:i|we) (?:please )?(?:get|have|switch|move|upgrade|downgrade|change|go) (?:to |on |onto |up to |down to )?(?:the |a )?(?:fiber ?\d|\d{3}|gig|1 ?gig|fastest|cheapest|basic|top|plan below|plan above)/,
  /\b(?:can|could|would) you (?:please )?(?:upgrade|downgrade|switch|move|change|put|bump|drop)\b/,
  // "please make the switch", "lower my plan", and a closing go-ahead: "…the fastest plan you have, i want it", "…no penalty right? do it"
  /\b(?:make|do) the (?:switch|change|upgrade|downgrade|move)\b|\b(?:lower|reduce|raise) my (?:plan|package|tier|speed)\b/,
  /\b(?:plans?|tiers?|packages?|fiber|gig|\d{3}|fastest|cheapest|faster|cheaper|lower|higher)\b[^]*\b(?:i want it|i'll take it|i will take it|sign me up|do it|make it happen|go ahead)\W*$/,
];
// A change in an if-clause next to its cost asks what it would cost: "what's the exit fee if I
// move to fiber 100", "if we went down to 300 would we pay anything". A quote, not a request.
const COST_OF_SUPPOSED_CHANGE_RE = new RegExp(
  String.raw`\b(?:fees?|costs?|charges?|penalt(?:y|ies)|price|pay|owe|charged)\b[^.?!]{0,40}\bif ${HYPOTHETICAL_CHANGE}|\bif ${HYPOTHETICAL_CHANGE}[^.?!]{0,60}\b(?:fees?|costs?|charges?|charged|penalt(?:y|ies)|pay|owe)\b`,
);
const NOT_PLAN_CHANGE_RES: RegExp[] = [
  COST_OF_SUPPOSED_CHANGE_RE,
  /\bhow much (?:would|will|does|is|do|did|more|extra|less|to)\b|\bwhat (?:would|will|does) it cost\b|\bwhat (?:would|will) i (?:pay|save|be charged)\b|\bcost (?:me )?to\b|\bis there a (?:fee|charge|penalty|cost)\b|\bwould i (?:have to )?pay\b|\bwould (?:switching|changing|moving|downgrading|upgrading) (?:to [^?]{0,30})?(?:cost|save)\b/,
  /\b(?:thinking|thought) (?:about|of)\b|\bconsidering\b|\bmaybe i should\b|\bshould i\b|\bwhat if\b|\bmight (?:upgrade|downgrade|switch|cancel|leave)\b|\b(?:might|may|could) (?:want|like|need|wanna|be (?:upgrading|downgrading|switching|moving))\b|\bwondering\b|\bwould it be worth\b|\bworth it\b|\bwould .* help\b|\bdo i need\b/,
  /\b(?:don't|do not|never|not) (?:want|wanna|need) to (?:upgrade|downgrade|switch|change|move)\b|\bnot (?:looking|trying) to (?:upgrade|downgrade|switch|change)\b/,
];

const OPTIONS_RES: RegExp[] = [
  /\bwhat (?:are )?(?:my|the) (?:options|choices|alternatives)\b|\bwhat options\b|\bwhat choices\b|\bplan options\b|\bupgrade options\b|\boptions for\b/,
  /\b(?:is|are) there (?:any(?:thing)?|a|other|some)\b[^.?!]{0,25}\b(?:faster|quicker|cheaper|better|higher|lower|plans?|tiers?|packages?|deals?|promotions?)\b/,
  /\b(?:anything|something) (?:faster|quicker|cheaper|better)\b/,
  /\bwhat (?:plans|tiers|packages|speeds|deals|add-?ons)\b|\bwhich plan\b|\b(?:other|available|your) plans\b|\blist (?:all )?(?:your |the )?plans\b|\bplans do you (?:have|offer)\b|\bwhat do you (?:have|offer)\b|\bwhat can you offer\b/,
  /\bcompar(?:e|ison)\b|\bdifference between\b|\b(?:faster|cheaper) (?:plans?|tiers?|options?) (?:do you have|are there|available)\b|\bwhat(?:'s| is) (?:your|the) (?:fastest|cheapest)\b/,
];

const QUOTE_RES: RegExp[] = [
  COST_OF_SUPPOSED_CHANGE_RE,
  /\bhow much (?:would|will|does|is|do|did|more|extra|less|to)\b[^.?!]{0,50}\b(?:cost|switch|change|move|upgrade|downgrade|cancel|leave|plan|gig|fiber|fee|pay|save|be|tier)\b/,
  /\bwhat (?:would|will|does) (?:it|that|this) cost\b|\bwhat (?:would|will) i (?:pay|save|be charged|owe)\b|\bwhat would (?:switching|changing|downgrading|upgrading|cancell?ing|leaving)\b/,
  /\b(?:cost|price|fee|charge|penalty) (?:of|to|for|if) (?:switch|chang|mov|downgrad|upgrad|cancel|leav|end|terminat|break)/,
  /\bearly termination\b|\btermination fee\b|\betf\b|\bpenalt(?:y|ies) (?:to|for|if)\b|\bis there a (?:fee|charge|penalty|cost)\b|\bany (?:fees?|penalt(?:y|ies))\b/,
  // what leaving or stepping down would cost: "a cancellation fee if I leave", "what penalty would I be hit with"
  /\b(?:cancell?ation|exit|leaving|break(?:ing)?|early (?:exit|leaving|cancell?ation)) (?:fees?|charges?|costs?|penalt(?:y|ies))\b|\bwhat (?:penalty|fee|charge)s? (?:would|will|do|does)\b|\bwould i be (?:hit|charged|stuck|billed) with\b/,
  /\bquote\b|\bprice difference\b|\bhow much more\b|\bhow much extra\b|\bcost to switch\b|\bwould i (?:have to )?pay\b|\bpay anything extra\b|\bsave (?:me )?money\b|\bhow much (?:would|could) i save\b/,
];

const CONTRACT_END_RES: RegExp[] = [
  /\bcontract\b[^.?!]{0,30}\b(?:end|ends|ending|expire|expires|expiry|expiration|finish|finished|over|up|run out|done|status|date)\b/,
  /\b(?:when|how long)\b[^.?!]{0,30}\b(?:contract|agreement|commitment)\b/,
  /\b(?:agreement|commitment)(?: period)?\b[^.?!]{0,20}\b(?:end|ends|expire|expires|finish|over|up)\b/,
  /\b(?:months?|time) (?:are |is )?(?:left|remaining) (?:on|in) my (?:contract|agreement)\b|\b(?:still|am i) (?:under|in) (?:a |my )?contract\b|\bend date\b|\bout of contract\b/,
];

const CANCEL_RES: RegExp[] = [
  /\b(?:cancel|terminate|end|close|quit|stop)\b (?:my |the |our )?(?:contract|service|account|subscription|internet|everything|agreement)\b/,
  /\bi (?:want|would like|need|'d like) to (?:cancel|leave|terminate|quit)\b(?! (?:the|my|this|that) (?:fee|charge|late|add))/,
  /\bhow (?:do|can) i (?:cancel|leave)\b(?! (?:the|my|this) (?:fee|charge|add))/,
];
const CONSIDER_CANCEL_RES: RegExp[] = [
  /\b(?:thinking|thought) (?:about|of) (?:cancel|leav|switching (?:to (?:a |another )?)?(?:provider|competitor|company)|switching providers|ending|terminat|quitting)/,
  /\bconsidering (?:cancel|leav|switching providers|ending|terminat|a competitor|another provider)/,
  /\bmight (?:cancel|leave|switch providers)\b|\b(?:i'll|i will) (?:switch providers|leave|cancel)\b|\bswitch(?:ing)? providers\b|\bgo(?:ing)? with another provider\b/,
];

// ------------------------------------------------------------- misc

const WIFI_RES: RegExp[] = [/\bwifi\b|\bwireless\b|\bwlan\b|\bmesh\b|\bextender\b|\b(?:2\.4|5) ?ghz\b|\bsignal\b|\bdead zones?\b|\bcoverage\b|\bupstairs\b|\bdownstairs\b/];

const RESTART_RES: RegExp[] = [
  /\b(?:restart|reboot|reset|power[- ]?cycl|unplug|replug|plugg?ed)\w*\b[^.?!]{0,40}\b(?:router|modem|box|ont|equipment|everything|it|twice|times|again|already|still|nothing|same)\b/,
  /\b(?:already|i've|i have|tried|i) (?:\w+ )?(?:restart|reboot|reset|power[- ]?cycl|unplug)\w*/,
  /\bturn(?:ed|ing)? (?:it|the \w+|everything) off and (?:on|back on)\b|\boff and on again\b/,
];

const INJECTION_RES: RegExp[] = [
  /\b(?:ignore|disregard|forget|override|bypass)\b[^.?!]{0,30}\b(?:instructions?|rules?|polic(?:y|ies)|prompt|guidelines|limits?|restrictions|what you were told|everything above)\b/,
  /\byou are now\b|\byou're now\b|\byou have been (?:updated|reprogrammed)\b|\bfrom now on you\b|\bnew instructions\b|\byour instructions\b/,
  /\b(?:admin|administrator|developer|debug|god|engineer|sudo|maintenance) mode\b|\bjailbreak\b|\bdo anything now\b/,
  /(?:^|\s|[[<(])system\s*(?:[:\]>)]|notice|override|prompt|message)|\[system\]|<system>/,
  /\bpolicy (?:has been |was |is )?(?:updated|changed)\b|\b(?:policy|rule) update\b|\bnew policy\b/,
  /\bauto-?approved?\b|\bpre-?approved\b|\bno longer (?:need|require)s? approval\b|\blimit (?:was|has been|is) (?:raised|removed|lifted)\b|\bno (?:cap|limit) anymore\b/,
  /\b(?:pretend|act as|roleplay as|role-play as)\b|\bnote to (?:the )?(?:assistant|ai|bot|model)\b|\bas an? (?:admin|administrator|supervisor|manager|employee)\b|\bi (?:work at|am an? employee of) (?:the company|your company)\b/,
  /\byou have (?:my )?permission to\b|\bi authori[sz]e (?:you|a|the)\b/,
];

/**
 * Analyse one request (a whole message or a worker's part of it).
 * `plans` (the catalogue) lets the plan target resolve to a plan id.
 */
export function analyseRequest(text: string, options: { plans?: PlanInfo[] } = {}): RequestAnalysis {
  return options.plans?.length ? analyse(text, options.plans) : analyseText(text);
}

const analyseText = memoByText(ANALYSES_KEPT, (text) => analyse(text, []));

function analyse(text: string, plans: PlanInfo[]): RequestAnalysis {
  const t = prep(text);
  const planTarget = parsePlanTarget(text, plans);
  const claimedCustomerIds = parseCustomerIds(text);

  const wantsCredit = any(t, CREDIT_RES) && !any(t, NO_CREDIT_RES);
  const disputesCharge = any(t, DISPUTE_RES) && !(any(t, NOT_DISPUTE_RES) && !/\b(?:charge|fee)\b/.test(t.replace(/\bbill\b[^.?!]*$/, "")));

  const asksQuote = any(t, QUOTE_RES);
  const considersCancel = any(t, CONSIDER_CANCEL_RES) && !/\bi (?:want|would like|need) to cancel\b/.test(t);
  const asksOptions = any(t, OPTIONS_RES);
  // "I want faster internet, what are my options?" asks for options; it is a change only with a concrete target
  const concreteTarget = planTarget.planId !== undefined || planTarget.superlative !== undefined || /\bfiber ?\d|\bgig\b|\b\d{3} plan\b/.test(t);
  const wantsPlanChange = any(t, PLAN_CHANGE_RES) && !any(t, NOT_PLAN_CHANGE_RES) && !(asksOptions && !concreteTarget);
  const asksContractEnd = any(t, CONTRACT_END_RES);
  const wantsCancel = any(t, CANCEL_RES) && !considersCancel && !/\b(?:thinking|considering|might|maybe|what happens if|what if|how much)\b/.test(t);

  const reportsServiceDown = any(t, DOWN_RES);
  const reportsSlowOrUnstable = any(t, SLOW_RES);
  const mentionsEquipmentLights = any(t, LIGHTS_RES);
  const mentionsOutage = /\boutages?\b|\bdowntime\b|\bservice interruption\b|\bwent (?:down|out)\b/.test(t);
  const asksOutage = any(t, OUTAGE_ASK_RES);
  const wantsTechnician = any(t, TECHNICIAN_RES) && !/\bno (?:need for a )?technician\b|\bdon't (?:send|need) (?:a )?technician\b/.test(t);

  return {
    wantsCredit,
    disputesCharge,
    wantsTechnician,
    wantsPlanChange,
    asksOptions,
    asksQuote,
    asksContractEnd,
    asksOutage,
    reportsServiceDown,
    reportsSlowOrUnstable,
    mentionsEquipmentLights,
    mentionsOutage,
    mentionsWifi: any(t, WIFI_RES),
    mentionsRestartedEquipment: any(t, RESTART_RES),
    wantsCancel,
    considersCancel,
    injection: any(t, INJECTION_RES),
    claimedCustomerIds,
    amountsCents: parseAmountsCents(text),
    invoiceIds: parseInvoiceIds(text),
    dates: parseDates(text),
    planTarget,
  };
}
