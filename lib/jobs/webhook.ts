import { createHmac } from "node:crypto";
import { deadlineSignal } from "../contracts/abort";
import type { Db, Tx } from "../db/client";
import { enqueueJob } from "./queue";
import { PermanentJobError, type JobDefinition, type JobOutcome } from "./runner";
import { backoffMs } from "../backoff";

// A signed POST of a JSON body to a configured URL, as a job: each delivery is one job
// (a key per thing delivered, so it is enqueued once), retried through the job's
// backoff. The URL and the secret are configuration, never stored: a job names its
// destination (`alerts` for usage alerts), and the runner's process maps it to a URL
// and secret. Signature: `Switchboard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">`, so the receiver can check the sender and refuse replays. Delivery is
// at least once: a process that dies between the POST and storing it posts again, so
// each job carries an id header for the receiver to deduplicate by.

const WEBHOOK_JOB = "webhook";
/** Attempts before a delivery is given up. */
export const WEBHOOK_MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 5_000;

export interface WebhookConfig {
  url: string;
  secret: string;
}

export interface WebhookPayload {
  /** Which configured webhook receives it. */
  destination: string;
  /** The exact JSON text posted and signed. */
  body: string;
  /** Extra headers, e.g. `switchboard-alert-id` (the signature and content type are the job's own). */
  headers?: Record<string, string>;
  /** What is delivered, for its kind's receipt (`usage_alert`, id): the record the console shows delivery on. */
  about?: { kind: string; id: string };
}

/** The signature header for `body` sent at `t` (seconds). */
export function signWebhook(secret: string, t: number, body: string): string {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

/** Backoff before attempt `n + 1` after `n` failed ones: 5, 10, 20, 40, 80 s. */
function webhookBackoffMs(failedAttempts: number): number {
  return backoffMs(failedAttempts, { baseMs: 5_000, maxMs: Infinity });
}

/** Puts a delivery on the jobs table (in the caller's transaction when given one); once per key. */
export function enqueueWebhook(db: Db | Tx, delivery: WebhookPayload & { key: string }): Promise<{ id: string; created: boolean }> {
  const { key, ...payload } = delivery;
  return enqueueJob(db, { kind: WEBHOOK_JOB, key, payload, maxAttempts: WEBHOOK_MAX_ATTEMPTS });
}

/** A kind of delivered record's bookkeeping, written with each attempt's end (fenced by the claim). */
export type WebhookReceipt = (tx: Tx, id: string, outcome: JobOutcome, attempts: number) => Promise<void>;

/**
 * The webhook job. `destinations` maps a payload's destination to its URL and secret
 * (null: not configured, the delivery fails without retries); `receipts` records each
 * attempt's end on the delivered record by its kind. A non-2xx answer, a network error
 * or the 5 s timeout fails the attempt.
 */
export function webhookJob(opts: {
  destinations: Record<string, WebhookConfig | null | undefined>;
  receipts?: Record<string, WebhookReceipt>;
  fetchImpl?: typeof fetch;
  now?: () => Date;
}): JobDefinition<WebhookPayload> {
  const fetchImpl = opts.fetchImpl ?? fetch;
  const now = opts.now ?? (() => new Date());
  return {
    kind: WEBHOOK_JOB,
    concurrency: 8,
    backoffMs: webhookBackoffMs,
    async run({ job, signal }) {
      const { destination, body, headers } = job.payload;
      const config = Object.hasOwn(opts.destinations, destination) ? opts.destinations[destination] : null;
      if (!config) throw new PermanentJobError(`no webhook is configured for ${destination}`);
      const t = Math.floor(now().getTime() / 1000);
      const deadline = deadlineSignal(signal, TIMEOUT_MS);
      let res: Response;
      try {
        res = await fetchImpl(config.url, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json", "switchboard-signature": signWebhook(config.secret, t, body) },
          body,
          signal: deadline.signal,
        });
      } catch (err) {
        throw new Error((err as Error).message.slice(0, 200));
      } finally {
        deadline.clear();
      }
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    },
    async onSettled(tx, job, outcome) {
      const about = job.payload.about;
      const receipt = about && opts.receipts && Object.hasOwn(opts.receipts, about.kind) ? opts.receipts[about.kind] : undefined;
      if (about && receipt) await receipt(tx, about.id, outcome, job.attempts);
    },
  };
}
