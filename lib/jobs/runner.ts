import type { Db, Tx } from "../db/client";
import { deadLocalOwners, localOwnerPattern, processOwnerId } from "../db/process-identity";
import { log as rootLog, type Logger } from "../log";
import { JobLeaseLost, type JobLease } from "./lease";
import { ensureSchedule, localRunners } from "./queue";
import { claimJobs, liveLocalJobOwners, renewJobLease, settleJob, type ClaimedRow, type Settlement } from "./store";
import { backoffMs } from "../backoff";

// One runner per app process (started by lib/server/app-process.ts) polls the jobs table and
// runs what is due with the handlers it was given. A claim leases the job to this
// process and raises its epoch; a heartbeat renews the lease while the handler works and
// aborts the handler (its AbortSignal) when the lease is lost; the end of the attempt is
// stored by compare-and-set on the claim, in one transaction with the kind's own
// bookkeeping (`onSettled`). A job whose process died is claimed again by any runner:
// when its lease runs out, or at once when its owner ran on this machine and is
// certainly gone (lib/db/process-identity). A failed attempt is retried after an
// exponential backoff; after `maxAttempts` starts the job fails (a periodic job waits
// for its next turn instead).

/** A claimed job, as its handler sees it. */
export interface ClaimedJob<P = unknown> {
  id: string;
  kind: string;
  key: string | null;
  payload: P;
  /** Starts of this attempt cycle, this one included (1 for the first). */
  attempts: number;
  maxAttempts: number;
  epoch: number;
}

export interface JobContext<P = unknown> {
  db: Db;
  job: ClaimedJob<P>;
  /** The fencing token: writes on the job's behalf are conditional on it (`jobHeld`, `withJobLease`). */
  lease: JobLease;
  /** Aborted when the lease is lost (the job was taken over) or the runner stops. */
  signal: AbortSignal;
  log: Logger;
}

/** How an attempt ended, as a kind's `onSettled` hears it. */
export type JobOutcome =
  | { status: "done" }
  | { status: "retry"; error: string; nextRunAt: Date }
  /** `gaveUp`: its process died on each of its starts; the handler was not run again. */
  | { status: "failed"; error: string; gaveUp: boolean };

export interface JobDefinition<P = unknown> {
  kind: string;
  /** A periodic job: one row (key `every:<kind>`), run once per interval across every process. */
  everyMs?: number;
  /** Jobs of this kind one process runs at once (default 4). */
  concurrency?: number;
  /** The lease a claim takes, renewed every third of it (default 15 s). */
  leaseMs?: number;
  /** A periodic job's starts per turn (default 3); other jobs carry theirs from `enqueueJob`. */
  maxAttempts?: number;
  /** The wait before the next attempt after `failed` failed ones (default 5 s doubling, at most an hour). */
  backoffMs?: (failed: number) => number;
  /** The work. Resolves `{ payload }` to store a new payload with the job (a periodic job's cursor). */
  run(ctx: JobContext<P>): Promise<void | { payload?: unknown }>;
  /** In the transaction that stores the attempt's end, after the claim was checked: the kind's own records. */
  onSettled?(tx: Tx, job: ClaimedJob<P>, outcome: JobOutcome): Promise<void>;
}

/** An error after which the job is not tried again (a missing configuration, a payload that cannot work). */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}

/** The default backoff: 5 s, 10 s, 20 s … at most an hour. */
function defaultBackoffMs(failed: number): number {
  return backoffMs(failed, { baseMs: 5_000, maxMs: 3_600_000 });
}

const DEFAULT_LEASE_MS = 15_000;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_PERIODIC_ATTEMPTS = 3;

/** How one claimed job ended in this process. */
export interface SettledJob {
  id: string;
  kind: string;
  epoch: number;
  /** `lease_lost`: another claim took the job meanwhile, and nothing of this attempt was stored. */
  result: "done" | "retry" | "failed" | "gave_up" | "released" | "lease_lost";
  error?: string;
}

class RunnerStopped extends Error {}

export class JobRunner {
  readonly owner: string;
  private readonly db: Db;
  private readonly defs = new Map<string, JobDefinition>();
  private readonly pollMs: number;
  private readonly log: Logger;
  private readonly inFlight = new Map<string, { kind: string; controller: AbortController; done: Promise<SettledJob> }>();
  private readonly stopping = new AbortController();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private polling: Promise<unknown> | null = null;
  private pollAgain = false;
  private schedulesReady = false;
  private readonly wake = () => this.schedulePoll(0);

  constructor(opts: { db: Db; jobs: readonly JobDefinition[]; owner?: string; pollMs?: number; log?: Logger }) {
    this.db = opts.db;
    for (const d of opts.jobs) {
      if (this.defs.has(d.kind)) throw new Error(`job kind ${d.kind} is defined twice`);
      this.defs.set(d.kind, d);
    }
    this.owner = opts.owner ?? processOwnerId();
    this.pollMs = opts.pollMs ?? 1_000;
    this.log = opts.log ?? rootLog.child({ component: "jobs" });
  }

  /** Polls every `pollMs` (and when woken by `wakeJobRunners`) until `stop`. */
  start(): void {
    if (this.stopping.signal.aborted) throw new Error("a stopped job runner cannot start again");
    localRunners().add(this.wake);
    this.schedulePoll(0);
  }

  /** Stops polling, aborts the handlers running (their jobs are due again at once) and waits for them. */
  async stop(): Promise<void> {
    this.stopping.abort(new RunnerStopped("the job runner stopped"));
    localRunners().delete(this.wake);
    if (this.timer) clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  /** Creates or updates the periodic jobs' rows (done once before the first poll). */
  async ensureSchedules(): Promise<void> {
    for (const d of this.defs.values()) {
      if (d.everyMs) await ensureSchedule(this.db, { kind: d.kind, everyMs: d.everyMs, maxAttempts: d.maxAttempts ?? DEFAULT_PERIODIC_ATTEMPTS });
    }
    this.schedulesReady = true;
  }

  /** One claim: starts what is due in the background and returns each job's settlement promise. */
  async poll(): Promise<Array<Promise<SettledJob>>> {
    if (this.stopping.signal.aborted) return [];
    if (!this.schedulesReady) await this.ensureSchedules();
    const counts = new Map<string, number>();
    for (const f of this.inFlight.values()) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
    const kinds = [...this.defs.values()].map((d) => ({
      kind: d.kind,
      room: (d.concurrency ?? DEFAULT_CONCURRENCY) - (counts.get(d.kind) ?? 0),
      leaseMs: d.leaseMs ?? DEFAULT_LEASE_MS,
    }));
    if (kinds.every((k) => k.room <= 0)) return [];
    const claimed = await claimJobs(this.db, { owner: this.owner, kinds, exceptIds: [...this.inFlight.keys()], deadOwners: await this.deadOwners() });
    return claimed.map((row) => this.execute(row));
  }

  /** Claims what is due now and waits for all of it (tests, scripts). */
  async runDue(): Promise<SettledJob[]> {
    return Promise.all(await this.poll());
  }

  private async deadOwners(): Promise<string[]> {
    const local = localOwnerPattern();
    if (!local) return [];
    return deadLocalOwners(await liveLocalJobOwners(this.db, local), this.owner);
  }

  private schedulePoll(delayMs: number) {
    if (this.stopping.signal.aborted) return;
    if (this.polling) {
      // Woken while polling: poll once more right after.
      if (delayMs === 0) this.pollAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.polling = this.poll()
        .catch((err) => this.log.error({ err }, "job poll failed"))
        .finally(() => {
          this.polling = null;
          const again = this.pollAgain;
          this.pollAgain = false;
          this.schedulePoll(again ? 0 : this.pollMs);
        });
    }, delayMs);
    this.timer.unref?.();
  }

  private execute(row: ClaimedRow): Promise<SettledJob> {
    const controller = new AbortController();
    const onStop = () => controller.abort(this.stopping.signal.reason);
    if (this.stopping.signal.aborted) onStop();
    else this.stopping.signal.addEventListener("abort", onStop, { once: true });
    const done = this.attempt(row, controller).finally(() => {
      this.stopping.signal.removeEventListener("abort", onStop);
      this.inFlight.delete(row.id);
      // A slot came free: what waited for it need not wait for the next poll.
      if (!this.stopping.signal.aborted && this.timer) this.schedulePoll(0);
    });
    this.inFlight.set(row.id, { kind: row.kind, controller, done });
    return done;
  }

  private async attempt(row: ClaimedRow, controller: AbortController): Promise<SettledJob> {
    const def = this.defs.get(row.kind)!;
    const lease: JobLease = { jobId: row.id, owner: this.owner, epoch: row.epoch };
    const job: ClaimedJob = { id: row.id, kind: row.kind, key: row.key, payload: row.payload, attempts: row.attempts, maxAttempts: row.maxAttempts, epoch: row.epoch };
    const log = this.log.child({ jobId: row.id, kind: row.kind, epoch: row.epoch });
    const base = { id: row.id, kind: row.kind, epoch: row.epoch };

    // Claimed again after its process died on every start it was allowed: a job that
    // kills its process must not loop. Its handler is not run again.
    if (row.attempts > row.maxAttempts) {
      const error = `Started ${row.maxAttempts} times; its process stopped each time.`;
      log.warn({ attempts: row.attempts - 1 }, "job given up: its process stopped on every start");
      const stored = await this.settle(def, job, lease, { kind: "failed", error }, { status: "failed", error, gaveUp: true });
      return { ...base, result: stored ? "gave_up" : "lease_lost", error };
    }

    const leaseMs = def.leaseMs ?? DEFAULT_LEASE_MS;
    const lost = new JobLeaseLost(row.id, row.epoch);
    let lastRenewed = Date.now();
    let beating = false;
    const heartbeat = setInterval(() => {
      if (beating || controller.signal.aborted) return;
      beating = true;
      renewJobLease(this.db, lease, leaseMs)
        .then((held) => {
          if (held) lastRenewed = Date.now();
          else controller.abort(lost);
        })
        .catch((err) => {
          // A transient failure is tried at the next beat; the handler stops only when the lease may have run out.
          log.warn({ err }, "could not renew the job's lease");
          if (Date.now() - lastRenewed >= leaseMs) controller.abort(lost);
        })
        .finally(() => (beating = false));
    }, leaseMs / 3);
    heartbeat.unref?.();

    let returned: void | { payload?: unknown } = undefined;
    let failure: unknown = null;
    try {
      returned = await def.run({ db: this.db, job, lease, signal: controller.signal, log });
    } catch (err) {
      failure = err ?? new Error("the handler failed");
    } finally {
      clearInterval(heartbeat);
    }

    const reason = controller.signal.reason;
    if (reason instanceof JobLeaseLost || failure instanceof JobLeaseLost) {
      log.warn("job stopped: it was taken over by another claim");
      return { ...base, result: "lease_lost" };
    }
    if (failure === null) {
      const stored = await this.settle(def, job, lease, { kind: "done", payload: returned ? returned.payload : undefined }, { status: "done" });
      return { ...base, result: stored ? "done" : "lease_lost" };
    }
    if (reason instanceof RunnerStopped) {
      // Cut short by a shutdown, not failed: due again at once, and this start does not count.
      const stored = await this.settle(def, job, lease, { kind: "released" }, null);
      return { ...base, result: stored ? "released" : "lease_lost" };
    }
    const error = (failure instanceof Error ? failure.message : String(failure)).slice(0, 500);
    if (failure instanceof PermanentJobError || row.attempts >= row.maxAttempts) {
      log.error({ err: failure, attempts: row.attempts }, "job failed");
      const stored = await this.settle(def, job, lease, { kind: "failed", error }, { status: "failed", error, gaveUp: false });
      return { ...base, result: stored ? "failed" : "lease_lost", error };
    }
    const delayMs = (def.backoffMs ?? defaultBackoffMs)(row.attempts);
    log.warn({ err: failure, attempts: row.attempts, delayMs }, "job attempt failed: it will be tried again");
    const stored = await this.settle(def, job, lease, { kind: "retry", error, delayMs }, (nextRunAt) => ({ status: "retry", error, nextRunAt }));
    return { ...base, result: stored ? "retry" : "lease_lost", error };
  }

  /**
   * Stores the attempt's end and the kind's own records in one transaction; false when
   * the claim no longer held (nothing stored). Tried twice: a settlement lost to a
   * dropped connection would leave the job to be run again when its lease runs out.
   */
  private async settle(
    def: JobDefinition,
    job: ClaimedJob,
    lease: JobLease,
    s: Settlement,
    outcome: JobOutcome | null | ((nextRunAt: Date) => JobOutcome),
  ): Promise<boolean> {
    for (let i = 1; ; i++) {
      try {
        return await this.db.$transaction(async (tx) => {
          const r = await settleJob(tx, lease, s);
          if (r === "lost") return false;
          const o = typeof outcome === "function" ? outcome(r.nextRunAt!) : outcome;
          if (o && def.onSettled) await def.onSettled(tx, job, o);
          return true;
        });
      } catch (err) {
        if (i >= 2) {
          this.log.error({ err, jobId: job.id }, "could not store the end of a job's attempt");
          return false;
        }
      }
    }
  }
}
