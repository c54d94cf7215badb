/**
 * Text normalisation and feature extraction shared by the intent classifier and
 * the clause splitter. Everything here is pure and deterministic.
 *
 * Pipeline: lowercase -> placeholders for money / customer ids / invoice ids /
 * plan speeds -> a small spelling & abbreviation map (chat-style "pls", "u",
 * common typos) -> word tokens -> digits to <num> -> light suffix stemming.
 * Features are word unigrams, bigrams (with a start-of-text marker) and a few
 * word prefixes (first 5 letters of longer words, which make the model robust
 * to inflections and typos the stemmer misses).
 */

/** Abbreviations, chat spellings and frequent typos -> canonical word(s). */
// Lookups keyed by the customer's words have no prototype: "constructor" or
// "__proto__" in a message must read as a plain word, not as Object.prototype.
const SPELLING: Record<string, string> = Object.assign(Object.create(null), {
  u: "you",
  ur: "your",
  r: "are",
  y: "why",
  wat: "what",
  wut: "what",
  whats: "what is",
  pls: "please",
  plz: "please",
  pleas: "please",
  thx: "thanks",
  thnx: "thanks",
  ty: "thanks",
  thank: "thanks",
  bil: "bill",
  bils: "bills",
  chrg: "charge",
  chg: "charge",
  dbl: "double",
  "2x": "twice",
  intrnet: "internet",
  interent: "internet",
  internt: "internet",
  inernet: "internet",
  intenet: "internet",
  net: "internet",
  conection: "connection",
  connexion: "connection",
  conn: "connection",
  droping: "dropping",
  disconects: "disconnects",
  wify: "wifi",
  wireless: "wifi",
  wlan: "wifi",
  modem: "router",
  tech: "technician",
  techie: "technician",
  engineer: "technician",
  gigabit: "gig",
  contrct: "contract",
  cancle: "cancel",
  canceling: "cancelling",
  canceled: "cancelled",
  acct: "account",
  acc: "account",
  invoce: "invoice",
  refnd: "refund",
  wanna: "want to",
  gonna: "going to",
  im: "i am",
  ive: "i have",
  cant: "can not",
  cannot: "can not",
  wont: "will not",
  dont: "do not",
  doesnt: "does not",
  didnt: "did not",
  isnt: "is not",
  wasnt: "was not",
  havent: "have not",
  hasnt: "has not",
  shouldnt: "should not",
  couldnt: "could not",
  youre: "you are",
  theres: "there is",
  hows: "how is",
  whens: "when is",
  wheres: "where is",
  thats: "that is",
  its: "it is",
  lets: "let us",
});

/** Replace entities with placeholder tokens; returns lowercase text. */
function normalise(text: string): string {
  let t = ` ${text.toLowerCase()} `;
  t = t.replace(/[\u2018\u2019\u02bc`]/g, "'").replace(/[\u201c\u201d]/g, '"');
  // money: $12.99, $ 1,000, 85 dollars, 25 bucks, 40 usd, usd 40
  t = t.replace(/(?:usd|us\$|\$)\s?\d[\d,]*(?:\.\d+)?|\b\d[\d,]*(?:\.\d+)?\s?(?:dollars?|bucks|usd)\b/g, " <money> ");
  t = t.replace(/\b\d+\.\d\d\b/g, " <money> ");
  t = t.replace(/\binv-\d+(?:-\d+)*\b/g, " <invoice> ");
  t = t.replace(/\bc-\d{3,}\b/g, " <custid> ");
  t = t.replace(/\b[a-z]+-\d+\b/g, " <code> "); // zones, outage ids: north-7, out-77
  t = t.replace(/\bwi-?fi\b|\bwi fi\b/g, " wifi ");
  t = t.replace(/\badd-?ons?\b/g, " addon ");
  t = t.replace(/\be-mail\b/g, " email ");
  t = t.replace(/\b(?:1|one)\s?(?:gig|gb|gbps)\b|\b1000\s?mbps\b/g, " gig ");
  t = t.replace(/\b(\d+)\s?(?:mbps|mb\/s|megs?)\b/g, " $1 mbps ");
  // A bare plan speed ("with 500", "the 300 one", "from 100 to 300") names one of our
  // tiers; a number of minutes, days or dollars keeps its unit and stays <num>.
  t = t.replace(/(?<![\d.,$])\b(100|300|500)\b(?!\s*(?:mbps|ms|%|\.\d|,\d|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times?|dollars?|bucks|usd|gb|am|pm)\b)/g, " <tier> ");
  t = t.replace(/\b(\d+)\s?ms\b/g, " $1 ms ");
  t = t.replace(/\b(\d+)(am|pm)\b/g, " $1 $2 ");
  t = t.replace(/\b(\d{1,2})(?:st|nd|rd|th)\b/g, " $1 "); // "the 24th" is a day of the month
  // Month names and their short forms read as one word ("paid oct 20", "since September"):
  // customers date their payments and bills, and an unknown "oct" would count as a rare word.
  t = t.replace(/\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?|\b(?:january|february|march|april|june|july|august|september|october|november|december)\b/g, " <month> ");
  t = t.replace(/\+/g, " plus ");
  t = t.replace(/&/g, " and ");
  // contractions
  t = t.replace(/\bcan't\b/g, "can not").replace(/\bwon't\b/g, "will not");
  t = t.replace(/n't\b/g, " not").replace(/'ll\b/g, " will").replace(/'re\b/g, " are");
  t = t.replace(/'ve\b/g, " have").replace(/\bi'm\b/g, "i am").replace(/'d\b/g, " would");
  // remaining apostrophes ("what's", "router's") are dropped: whats -> spelling map, routers -> stem
  t = t.replace(/([a-z])'([a-z])/g, "$1$2");
  return t;
}

/** Light suffix stemmer (a small, predictable subset of Porter step 1). */
export function stem(w: string): string {
  if (w.startsWith("<") || w.length <= 3) return w;
  let s = w;
  if (s.endsWith("ies") && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (s.endsWith("sses")) s = s.slice(0, -2);
  else if (s.endsWith("ing") && s.length > 5) s = s.slice(0, -3);
  else if (s.endsWith("ed") && s.length > 4 && !s.endsWith("eed")) s = s.slice(0, -2);
  else if (s.endsWith("es") && s.length > 4 && /(?:ch|sh|x|z|ss)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us") && !s.endsWith("is") && s.length > 3) s = s.slice(0, -1);
  else if (s.endsWith("ly") && s.length > 5) s = s.slice(0, -2);
  // collapse a doubled final consonant left by -ing/-ed: dropp -> drop, stopp -> stop
  if (s !== w && /([bdfgklmnprt])\1$/.test(s) && !/(?:ll|ss)$/.test(s)) s = s.slice(0, -1);
  // drop a final silent e so "charge"/"charged"/"charging" meet at "charg"
  if (s.length > 4 && s.endsWith("e") && !s.endsWith("ee")) s = s.slice(0, -1);
  return s;
}

/** Normalised word tokens (before stemming). */
function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of normalise(text).split(/[^a-z0-9<>]+/)) {
    if (!raw) continue;
    const mapped = SPELLING[raw] ?? raw;
    for (const w of mapped.split(" ")) {
      if (!w) continue;
      out.push(/^\d+$/.test(w) ? "<num>" : w);
    }
  }
  return out;
}

/**
 * Domain concept lexicon: a word (before stemming) that starts with one of these
 * stems adds the concept as a feature. It carries prior knowledge the corpus may
 * not show for every inflection or synonym, and "c:none" (no domain concept at
 * all) is a strong out-of-scope / small-talk signal.
 */
const CONCEPTS: Array<[string, RegExp]> = [
  ["money", /^(?:bill|invoic|charg|fee|refund|credit|payment|paid|pay|owe|balanc|overcharg|statement|penalt|pric|cost|dollar|<money>|<invoice>|reimburs|compensat|autopay|receipt|discount|tax|debit|money|overdue|due|waiv|rate|expensiv|cheap)/],
  ["net", /^(?:internet|wifi|connect|speed|slow|down|outag|router|box|ont|light|buffer|lag|ping|latenc|drop|disconnect|signal|line|offline|online|stream|restor|reboot|restart|ethernet|dns|website|page|load|technician|repair|visit|mbps|upload|download|cable|network|dead|freez|stutter|timeout|packet|coverage|mesh|extender|fiber|service)/],
  ["plan", /^(?:plan|upgrad|downgrad|switch|contract|cancel|tier|package|gig|faster|quicker|cheaper|option|compar|agreement|provider|competitor|addon|leav|fiber|commitment|terminat|<tier>)/],
  // consequences the customer suffered (ruined week, lost a client): a compensation cue, not a fault report
  ["harm", /^(?:ruin|wreck|disaster|disastrous|nightmare|killed|lost|miss|missed|cost|suffer|hardship|inconvenienc|unacceptabl|furious|fed)$|^(?:ruin|wreck|disastr|nightmar|inconvenienc|suffer)/],
  ["profile", /^(?:profil|address|email|phone|password|login|username|name|detail|contact|owner|account)/],
];

/**
 * Other businesses' things, places and people: nouns that name another industry
 * (banks, restaurants, travel, shops and deliveries, cars, employers, health,
 * insurance, schools, landlords, family law, sports, media, weather, kitchens, other
 * devices and software, pets, gardens, homework, code, gyms, other utilities,
 * appliances and trades) and other companies' brands. A word from this list adds
 * "c:elsewhere", one feature shared by every such request, so the out-of-scope
 * weight sits on "this is about another business" instead of being spread over
 * words the company's own customers use too ("charged", "cancel", "upgrade",
 * "account", "card"). Words a customer of an internet provider also uses about the
 * service are left out on purpose, e.g. rental (router rental), storm, rain, power,
 * microwave, room, kitchen, garage, game and console names, phone, printer, tv,
 * movies, camera, school, homework, exam, job, boss, teams, menu, lawyer, sue,
 * languages (a bill in Spanish), vacation, dinner, book, order, ticket, policy,
 * promotion, package, lock, plan, PayPal and Apple Pay (ways to pay us). Streaming
 * brands are in: "Netflix buffers" keeps its net words, and the corpus teaches the
 * model that a brand next to a connection problem is still ours.
 */
const ELSEWHERE = new RegExp(
  "^(?:" +
    [
      // banks, cards and loans
      "banks?|banking|atms?|overdrafts?|savings|mortgages?|loans?|cheques?|chequebooks?|checkbooks?|zelle|visa|mastercard|amex",
      // restaurants, food and cooking
      "restaurants?|waiters?|waitress|pizzas?|burgers?|sushi|tacos?|meals?|foods?|recipes?|cook|cooking|bake|baking|chefs?|cafes?|coffee|brunch|buffet|reservations?|bistro|bakery|takeout|catering|grocer(?:y|ies)",
      "oven|roast|boil|eggs?|chicken|steak|pasta|rice|tofu|salmon|flour|sugar|dessert|soup|sauce|spices?|marinade|fridge|freezer|vegan|vegetarian|gluten",
      // travel and hotels
      "flights?|airlines?|airports?|planes?|boarding|luggage|baggage|suitcases?|passports?|cruises?|layovers?|hotels?|motels?|resorts?|airbnb|itinerary|trains?|taxis?|seats?|flyer|checkout|check-?in",
      // shops, orders and deliveries
      "amazon|parcels?|couriers?|shipping|shipped|shipment|tracking|coupons?|warehouse|deliver|delivery|deliveries|delivered|shoes|jackets?|dress|sofa|couch|furniture|mattress|stroller|gifts?",
      // smart home, other devices, apps and software
      "thermostats?|bulbs?|vacuums?|doorbells?|alexa|sprinklers?|blinds|detectors?|bluetooth|batter(?:y|ies)|keyboards?|airpods|kindle|pdf|instagram|facebook|tiktok|whatsapp|gmail|outlook|excel|virus",
      // cars
      "cars?|engines?|tires?|tyres?|brakes?|mechanics?|dealerships?|dealers?|oil|windshield|transmission|vehicles?|trucks?|suvs?|mileage|dmv|speeding|parking",
      // employers and payroll
      "paychecks?|payroll|salary|w-?2|401k|pto|timesheets?|overtime|resign|hiring",
      // health and insurance
      "doctors?|dentists?|dental|hospitals?|clinics?|pharmac(?:y|ies)|prescriptions?|medicines?|medications?|symptoms?|fever|vaccines?|therapists?|surgery|patients?|nurses?|ibuprofen|rash|allerg(?:y|ies)|mri|insurance|insurer|deductible",
      // schools, housing, family law
      "tuition|semester|teachers?|professors?|university|college|essays?|scholarships?|transcripts?|gpa|landlords?|tenants?|lease|realtor|hoa|condo|townhouse|escrow|divorce|notary|custody",
      // sports, media, weather
      "league|nba|nfl|football|soccer|basketball|baseball|tennis|golf|hockey|olympics|stadium|marathon|songs?|albums?|concerts?|podcasts?|novels?|actors?|singers?",
      "weather|forecast|sunny|umbrella|humidity|frost|hurricane|pollen|fog",
      // pets and gardens
      "dogs?|cats?|pupp(?:y|ies)|kittens?|pets?|vets?|rabbits?|hamsters?|parrots?|fleas?|groomers?|litter",
      "gardens?|gardening|plants?|tomato(?:es)?|basil|cactus|succulents?|roses?|lawn|compost|fertili[sz]er|seeds?|prune|orchids?|tulips?|soil|aphids?",
      // maths, code, fitness, other utilities, investing, writing
      "derivative|integral|equations?|fractions?|algebra|theorem|python|javascript|java|react|sql|git|docker|kubernetes|css|html|npm|regex|bash",
      "gym|workouts?|yoga|pilates|trainers?|exercises?|protein|calories|electricity|electric|gas|water|sewer|solar|heating|trash|recycling",
      // other companies' brands: streaming, apps, shops, rides, games
      "netflix|hulu|spotify|disney|hbo|youtube|audible|peloton|duolingo|uber|lyft|doordash|grubhub|venmo|icloud|dropbox|costco|walmart|ikea|ebay|etsy",
      // appliances and trades
      "dishwashers?|washers?|dryers?|ovens?|furnaces?|appliances?|plumbers?|plumbing|electricians?|contractors?|handyman|repairman|roof|elevators?|accountant",
      "stocks?|invest|investing|investment|bitcoin|crypto|ira|retirement|translate|poems?|haiku|sonnet",
      // the customer's own money elsewhere: pay, tax, banks' rates and scores, benefits
      "wages?|paystubs?|payday|income|earnings|earn|earned|pension|irs|taxes|taxed|apr|euros|yen|pesos|rupees|cashback|routing|health|healthcare|medical|medicare|medicaid|payslips?",
      "chase|wells|fargo|citi|citibank|barclays|hsbc|santander|pnc|usaa|paypal|revolut|monzo|allstate|geico",
      // other carriers (their bills and lines are not ours)
      "verizon|comcast|xfinity|spectrum|tmobile|sprint|centurylink",
      // a personal assistant's jobs, and the assistant itself (not "remind", "meeting",
      // "holiday", "debit", "deposit" or "score": "remind me what plan I have", "direct
      // debit for my bill", "my speed test score" are ours)
      "alarm|timer|todo|supermarket|calendar|playlist|jazz|music|lamp|gps|timezone|accent|whisper",
    ].join("|") +
    ")$",
);

/**
 * Things of ours a clause can be about: the bill and its lines, the connection and
 * its equipment, the plan and contract, the account and its details. Not the asks
 * ("refund", "credit", "fix", "cancel"), which take their subject from elsewhere.
 */
const OURS = /^(?:bill|invoic|statement|fee|charg|overcharg|payment|paid|pay|balanc|price|cost|autopay|overdue|late|roaming|stream|rental|internet|wifi|connect|router|box|ont|speed|slow|lag|buffer|line|outag|signal|fiber|gig|mbps|download|upload|network|technician|engineer|light|plan|contract|tier|package|upgrad|downgrad|faster|cheaper|account|email|address|phone|password|service|commitment|<money>|<invoice>|<tier>)/;

/** Whether a text names something of the company's own (OURS). */
export function namesOurs(text: string): boolean {
  return words(text).some((w) => OURS.test(w));
}

/** Whether the text names another industry's things, places or people (ELSEWHERE). */
export function namesAnotherBusiness(text: string): boolean {
  return words(text).some((w) => ELSEWHERE.test(w));
}

function conceptsOf(ws: string[]): string[] {
  const found: string[] = [];
  for (const [name, re] of CONCEPTS) if (ws.some((w) => re.test(w))) found.push(`c:${name}`);
  if (found.length === 0) found.push("c:none");
  // Each concept is also seen together with whether another business is named:
  // "fee" + "bank" is a bank's fee, "fee" alone is ours. A linear model cannot
  // form that conjunction itself.
  const elsewhere = ws.some((w) => ELSEWHERE.test(w));
  const own = found.map((c) => `${c}${elsewhere ? "&elsewhere" : "&ours"}`);
  if (elsewhere) found.push("c:elsewhere");
  // Addressed to the provider ("you charged me", "your network"): money, network and
  // plan words said to us are about us more often than when said about a third party.
  if (ws.some((w) => w === "you" || w === "your")) {
    const you = found.filter((c) => c !== "c:none" && c !== "c:elsewhere").map((c) => `${c}&you`);
    own.push("c:you", ...you);
  }
  return [...found, ...own];
}

const OK_NOUNS: Record<string, string> = Object.assign(Object.create(null), {
  bill: "money", bills: "money", billing: "money", invoice: "money", invoices: "money", charges: "money", price: "money", statement: "money",
  internet: "net", connection: "net", wifi: "net", service: "net", speed: "net", speeds: "net", line: "net",
  plan: "plan", contract: "plan", package: "plan",
});
const OK_WORDS = new Set(["fine", "ok", "okay", "correct", "good", "great", "right", "sorted", "accurate", "perfect"]);
const OK_LINK = new Set(["is", "looks", "look", "seems", "seem", "are", "was", "works", "work", "itself", "all", "totally", "actually", "really", "has", "have", "been", "always", "perfectly"]);

/**
 * Mark nouns stated to be fine ("my bill looks fine", "no problem with my bill",
 * "nothing wrong with the connection"): the noun becomes "<ok:concept>" so it no
 * longer votes for its usual intent.
 */
function markOkNouns(ws: string[]): string[] {
  const out = [...ws];
  for (let i = 0; i < ws.length; i++) {
    const concept = OK_NOUNS[ws[i]];
    if (!concept) continue;
    let ok = false;
    // noun (is|looks|seems ...){1,2} fine   -- but not "is not fine"
    let j = i + 1;
    while (j < ws.length && j <= i + 3 && OK_LINK.has(ws[j])) j++;
    if (j > i + 1 && j < ws.length && OK_WORDS.has(ws[j])) ok = true;
    // "my wifi works (fine|well) but ...", "the internet is working fine"
    const k = ws[i + 1] === "is" && ws[i + 2] === "working" ? i + 3 : ws[i + 1] === "works" ? i + 2 : -1;
    if (k > 0 && (k >= ws.length || ["but", "and", "fine", "ok", "okay", "great", "well", "perfectly", "now"].includes(ws[k]))) ok = true;
    // no problem(s) / issues / nothing wrong with (my|the) noun
    const pre = ws.slice(Math.max(0, i - 5), i).join(" ");
    if (/\b(?:no (?:problems?|issues?)|nothing(?: is)? wrong|all good) with (?:my|the|our)?$/.test(pre.trim())) ok = true;
    // "can you confirm my bill is right", "just checking my bill is correct": a check asked
    // for, not a statement that all is well.
    if (/\b(confirm|check|checking|verify|make sure|see if|tell me if|whether|is it|if)\b/.test(ws.slice(Math.max(0, i - 4), i).join(" "))) ok = false;
    if (ok) out[i] = `<ok:${concept}>`;
  }
  return out;
}

/** Sparse binary feature set of a text (deduplicated, order of first occurrence). */
export function featuresOf(text: string): string[] {
  const ws = markOkNouns(words(text));
  const toks = ws.map(stem);
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) seen.add(f);
  };
  let prev = "<s>";
  for (const t of toks) {
    add(`u:${t}`);
    add(`b:${prev}_${t}`);
    if (t.length >= 6 && !t.startsWith("<")) add(`p:${t.slice(0, 5)}`);
    prev = t;
  }
  for (const c of conceptsOf(ws)) add(c);
  if (toks.length === 0) add("u:<empty>");
  if (toks.length <= 2) add("len:short");
  return [...seen];
}

/** Token set used for near-duplicate checks (Jaccard). */
export function tokenSet(text: string): Set<string> {
  return new Set(words(text));
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}
