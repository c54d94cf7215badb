import { appendAudit } from "../db/audit";
import type { Db } from "../db/client";
import { iterateAuditRuns, type RunListFilter, type RunListRow } from "./run-list";

// The filtered run list as CSV, streamed: rows are read in keyset pages of 500 and
// written as they come, so a list of any length never sits in memory whole.

const CSV_COLUMNS = [
  "run_id", "created_at", "customer_id", "customer_name", "status", "outcome", "workers", "reviews",
  "tokens_in", "tokens_out", "latency_ms", "attempts", "input",
] as const;

/**
 * One CSV field (RFC 4180). A field a spreadsheet would read as a formula (=, +, -,
 * @, tab, CR) is prefixed with an apostrophe: the input is customers' own text.
 */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvRow(r: RunListRow): string {
  return [
    r.id, r.createdAt.toISOString(), r.customerId, r.customerName, r.status, r.outcome, r.workers.join(" "), r.reviews,
    r.tokensIn, r.tokensOut, r.latencyMs, r.attempts, r.input,
  ].map(csvField).join(",") + "\r\n";
}

/**
 * The export as a byte stream. The `export` audit entry (who, which filter) commits
 * before the first row is read, so an export never leaves without its record.
 */
export async function runsCsvStream({ db, filter, staffEmail, batch = 500 }: { db: Db; filter: RunListFilter; staffEmail: string; batch?: number }): Promise<ReadableStream<Uint8Array>> {
  await appendAudit(db, { kind: "export", actor: staffEmail, subject: "runs:csv", payload: { format: "csv", filter } });
  const encoder = new TextEncoder();
  const pages = iterateAuditRuns({ db, filter, batch });
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    // Pull-based: the next page is read only when the reader wants more bytes.
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(CSV_COLUMNS.join(",") + "\r\n"));
        return;
      }
      const next = await pages.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map(csvRow).join("")));
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}
