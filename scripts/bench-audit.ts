// `npm run bench:audit` (part of `npm run bench`): the audit browser's run list at
// scale. On a scratch database it seeds BENCH_AUDIT_EVENTS audit events (default one
// million, sealed into one verifiable chain) over runs of 25
// events each, with their worker invocations and reviews, then times the run list
// query (lib/audit/run-list.ts) for the first page and a deep page, with and without
// filters, and a search. Prints p50/p95 per case; its last line is the JSON summary.
import { listAuditRuns, type RunCursor, type RunListFilter } from "../lib/audit/run-list";
import { verifyAuditChain } from "../lib/audit/verify";
import { createDb } from "../lib/db/client";
import { createScratchDatabase } from "../lib/db/scratch";
import { resetWorld } from "../lib/db/seed";
import { loadWorld } from "../lib/world/fixture";
import { exitAfterFlush } from "./exit-after-flush";
import { percentile } from "../lib/stats";

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const PER_RUN = 25;
const RUNS = Math.ceil(EVENTS / PER_RUN);
const ITERATIONS = Number(process.env.BENCH_AUDIT_ITERATIONS ?? 40);

const scratch = await createScratchDatabase(process.env.DATABASE_URL, "switchboard_bench_audit");
const db = createDb(scratch.url, 4);
const ms = (t0: number) => Math.round(performance.now() - t0);

async function seed() {
  await resetWorld(db, loadWorld());
  let t0 = performance.now();
  // Runs over the last 90 days, on the twelve customers; a status, an outcome, 1-3 workers, a review for one in eight.
  await db.$executeRawUnsafe(`
    INSERT INTO conversations (id, "customerId", "createdAt")
    SELECT 'conv-' || g, (SELECT id FROM customers ORDER BY id OFFSET (g % 12) LIMIT 1), now() - (g || ' minutes')::interval * (129600.0 / ${RUNS})
    FROM generate_series(1, ${RUNS}) g`);
  await db.$executeRawUnsafe(`
    INSERT INTO runs (id, "conversationId", "customerId", input, status, step, plan, reply, "tokensIn", "tokensOut", "latencyMs", attempts, "createdAt", "updatedAt")
    SELECT md5('run' || g)::uuid::text, c.id, c."customerId",
      'Message ' || g || CASE WHEN g % 97 = 0 THEN ' about a blinking router' ELSE ' about my bill and my plan' END,
      (CASE WHEN g % 8 = 0 THEN 'awaiting_review' WHEN g % 31 = 0 THEN 'failed' ELSE 'completed' END)::run_status, 'finished',
      jsonb_build_object('kind', CASE WHEN g % 20 = 0 THEN 'out_of_scope' WHEN g % 25 = 0 THEN 'small_talk' ELSE 'delegate' END, 'via', 'planner', 'tasks', '[]'::jsonb, 'confidence', 0.9),
      'Reply ' || g, 3000 + g % 900, 200 + g % 50, 200 + g % 700, 1, c."createdAt", c."createdAt"
    FROM generate_series(1, ${RUNS}) g JOIN conversations c ON c.id = 'conv-' || g`);
  await db.$executeRawUnsafe(`
    INSERT INTO worker_invocations (id, "runId", "taskId", worker, attempt, status, input, "tokensIn", "tokensOut", "latencyMs", "startedAt")
    SELECT md5('inv' || g || w.n)::uuid::text, md5('run' || g)::uuid::text, 't' || w.n, w.name, 1, 'succeeded', '{}'::jsonb, 1000, 80, 150,
      now() - (g || ' minutes')::interval * (129600.0 / ${RUNS})
    FROM generate_series(1, ${RUNS}) g
    JOIN (VALUES (1, 'billing'), (2, 'tech_support'), (3, 'account')) AS w(n, name) ON w.n = 1 + g % 3 OR (g % 5 = 0 AND w.n <> 1 + g % 3 AND w.n = 1 + (g + 1) % 3)`);
  await db.$executeRawUnsafe(`
    INSERT INTO review_items (id, "runId", "taskId", "customerId", kind, summary, context)
    SELECT md5('rev' || g)::uuid::text, r.id, 't1', r."customerId", 'credit_over_limit', 'over limit', '{}'::jsonb
    FROM generate_series(8, ${RUNS}, 8) g JOIN runs r ON r.id = md5('run' || g)::uuid::text`);
  const runsMs = ms(t0);
  await db.$executeRawUnsafe("ANALYZE");
  // The events: inserting a million through the per-entry seal trigger takes over an
  // hour on this machine (it is built for a run's few dozen entries per commit), so the
  // bench loads them with triggers off and then seals them in one pass with the same
  // SQL hash functions the trigger uses; audit:verify at the end checks every link.
  t0 = performance.now();
  const batch = 100_000;
  for (let start = 0; start < EVENTS; start += batch) {
    const end = Math.min(EVENTS, start + batch);
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
      await tx.$executeRawUnsafe(`
        INSERT INTO audit_log (kind, actor, "runId", subject, payload, "payloadHash", "at")
        SELECT CASE WHEN e % ${PER_RUN} = 0 THEN 'run_created' ELSE 'event' END, 'system:bench', md5('run' || (1 + e / ${PER_RUN}))::uuid::text,
          'event:' || (e % ${PER_RUN}), jsonb_build_object('type', 'tool_result', 'n', e), '', date_trunc('milliseconds', clock_timestamp())
        FROM generate_series(${start}, ${end - 1}) e`);
      await tx.$executeRawUnsafe(`
        DO $$
        DECLARE s bigint; prev text; ph text; h text; r record;
        BEGIN
          SELECT seq, hash INTO s, prev FROM audit_chain_head WHERE id = 1;
          FOR r IN SELECT id, "at", kind, actor, "runId", subject, payload FROM audit_log WHERE seq IS NULL ORDER BY id LOOP
            s := s + 1;
            ph := audit_payload_hash(r.payload);
            h := audit_entry_hash(s, prev, r."at", r.kind, r.actor, r."runId", r.subject, ph);
            UPDATE audit_log SET seq = s, "prevHash" = prev, hash = h, "payloadHash" = ph WHERE id = r.id;
            prev := h;
          END LOOP;
          UPDATE audit_chain_head SET seq = s, hash = prev WHERE id = 1;
        END $$`);
    }, { timeout: 1_800_000, maxWait: 10_000 });
    process.stdout.write(`\rsealed ${end.toLocaleString("en-US")} / ${EVENTS.toLocaleString("en-US")} audit events`);
  }
  process.stdout.write("\n");
  const eventsMs = ms(t0);
  await db.$executeRawUnsafe("ANALYZE");
  return { runsMs, eventsMs };
}

async function cursorAt(filter: RunListFilter, depth: number): Promise<RunCursor> {
  // Walk there the way a reader would (page by page) is what keyset avoids; find the row directly instead.
  let after: RunCursor | null = null;
  let seen = 0;
  while (seen < depth) {
    const page = await listAuditRuns({ db, filter, after, limit: 500 });
    seen += page.rows.length;
    const last = page.rows.at(-1);
    if (!last || !page.older) break;
    after = { createdAt: last.createdAt, id: last.id };
  }
  return after!;
}

async function time(label: string, fn: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return { case: label, p50Ms: +percentile(xs, 50).toFixed(1), p95Ms: +percentile(xs, 95).toFixed(1), maxMs: +Math.max(...xs).toFixed(1) };
}

try {
  console.log(`Seeding ${EVENTS.toLocaleString("en-US")} audit events over ${RUNS.toLocaleString("en-US")} runs (${scratch.kind} database)…`);
  const seeded = await seed();
  const counts = {
    auditEvents: await db.auditEntry.count(),
    runs: await db.run.count(),
    invocations: await db.workerInvocation.count(),
    reviews: await db.reviewItem.count(),
  };
  console.log(`seeded in ${seeded.runsMs} ms (runs) + ${seeded.eventsMs} ms (audit events):`, counts);
  const filtered: RunListFilter = { status: "completed", worker: "billing", escalated: "no" };
  const deepDepth = Math.floor(RUNS / 2);
  const deep = await cursorAt({}, deepDepth);
  const deepFiltered = await cursorAt(filtered, Math.floor(deepDepth / 4));
  const results = [
    await time("first page", () => listAuditRuns({ db, filter: {} })),
    await time(`deep page (after ${deepDepth.toLocaleString("en-US")} runs)`, () => listAuditRuns({ db, filter: {}, after: deep })),
    await time("first page, filtered (completed, billing, not escalated)", () => listAuditRuns({ db, filter: filtered })),
    await time(`deep page, filtered (after ${Math.floor(deepDepth / 4).toLocaleString("en-US")} matches)`, () => listAuditRuns({ db, filter: filtered, after: deepFiltered })),
    await time("date range + status (one week, awaiting review)", () => listAuditRuns({ db, filter: { status: "awaiting_review", from: new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10), to: new Date(Date.now() - 33 * 86_400_000).toISOString().slice(0, 10) } })),
    await time("search: customer id", () => listAuditRuns({ db, filter: { q: "C-1007" } })),
    await time("search: words (1 run in 97 matches)", () => listAuditRuns({ db, filter: { q: "blinking router" } })),
  ];
  console.table(results);
  const t0 = performance.now();
  const chain = await verifyAuditChain({ db });
  const verifyMs = ms(t0);
  console.log(`audit:verify over the whole chain: ${chain.ok ? "OK" : "BROKEN"}, ${chain.entries.toLocaleString("en-US")} entries in ${verifyMs} ms`);
  console.log(JSON.stringify({ ...counts, seedRunsMs: seeded.runsMs, seedEventsMs: seeded.eventsMs, verifyMs, chainOk: chain.ok, cases: results }));
} finally {
  await db.$disconnect();
  await scratch.drop();
}
await exitAfterFlush(0);
