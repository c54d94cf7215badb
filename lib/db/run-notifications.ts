import { randomUUID } from "node:crypto";
import pg from "pg";
import { log as rootLog, type Logger } from "../log";

/** The channel appendEvent notifies (payload: the run id) in the statement that stores an event. */
export const RUN_EVENTS_CHANNEL = "run_events";
/**
 * The payload on the same channel when the set of pending review items changed (an item
 * requested, claimed, released or decided): the review queue's followers subscribe to
 * it like to a run id (a run id is a UUID, so the two never meet).
 */
export const REVIEW_QUEUE_TOPIC = "review_queue";

/** Wakes this process's followers of a run when any process stores an event for it. */
export interface RunWakeups {
  /** True while notifications are known to arrive; otherwise followers poll. */
  readonly live: boolean;
  subscribe(runId: string, wake: () => void): () => void;
}

type State = "idle" | "connecting" | "live" | "unavailable";

/**
 * One dedicated PostgreSQL connection per process that LISTENs on run_events and
 * fans each notification out to this process's followers of that run. The event
 * table stays the source of truth: a notification only says "read the table again".
 *
 * The connection is trusted only once a probe NOTIFY, sent from a second
 * connection, has come back on it. The embedded database (PGlite behind
 * pglite-socket) runs every connection on one session and never delivers a
 * notification to another connection, so there the probe fails and `live` stays
 * false: followers then poll. A dropped connection wakes every follower (they
 * re-read the table), and is reopened with backoff while anyone follows.
 */
export class PgRunNotifications implements RunWakeups {
  private readonly followers = new Map<string, Set<() => void>>();
  private state: State = "idle";
  private client: pg.Client | null = null;
  private retryMs = 1_000;
  private closed = false;
  private readonly log: Logger;

  constructor(private readonly opts: { connectionString: string; probeTimeoutMs?: number; log?: Logger }) {
    this.log = opts.log ?? rootLog.child({ component: "run-notifications" });
  }

  get live(): boolean {
    return this.state === "live";
  }

  subscribe(runId: string, wake: () => void): () => void {
    let set = this.followers.get(runId);
    if (!set) this.followers.set(runId, (set = new Set()));
    set.add(wake);
    if (this.state === "idle") void this.connect();
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.followers.get(runId) === set) this.followers.delete(runId);
    };
  }

  /** Resolves once the listener is live or known to be unavailable (tests, start-up checks). */
  async ready(): Promise<boolean> {
    if (this.state === "idle") await this.connect();
    while (this.state === "connecting") await new Promise((r) => setTimeout(r, 20));
    return this.live;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    this.state = "idle";
    await client?.end().catch(() => {});
  }

  private wakeAll() {
    for (const set of this.followers.values()) for (const wake of set) wake();
  }

  private async connect(): Promise<void> {
    if (this.closed || this.state === "connecting") return;
    this.state = "connecting";
    const probe = `probe:${randomUUID()}`;
    let probed: () => void = () => {};
    const probeArrived = new Promise<void>((resolve) => (probed = resolve));
    const client = new pg.Client({ connectionString: this.opts.connectionString });
    this.client = client;
    client.on("notification", (n) => {
      if (n.channel !== RUN_EVENTS_CHANNEL || !n.payload) return;
      if (n.payload === probe) return probed();
      for (const wake of this.followers.get(n.payload) ?? []) wake();
    });
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
      await this.sendProbe(probe);
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), this.opts.probeTimeoutMs ?? 2_000).unref?.());
      if ((await Promise.race([probeArrived.then(() => "ok" as const), timeout])) === "ok") {
        if (this.client !== client) return;
        this.state = "live";
        this.retryMs = 1_000;
        this.log.info("listening for run events (LISTEN/NOTIFY)");
        // Anything stored while we connected was missed: let followers re-read.
        this.wakeAll();
        return;
      }
      this.log.info("this database does not deliver notifications to another connection: followers poll instead");
      this.state = "unavailable";
      this.client = null;
      await client.end().catch(() => {});
    } catch (err) {
      this.lost(client, err);
    }
  }

  private async sendProbe(payload: string) {
    const sender = new pg.Client({ connectionString: this.opts.connectionString });
    await sender.connect();
    try {
      await sender.query("SELECT pg_notify($1, $2)", [RUN_EVENTS_CHANNEL, payload]);
    } finally {
      await sender.end().catch(() => {});
    }
  }

  private lost(client: pg.Client, err: unknown) {
    if (this.client !== client) return;
    this.client = null;
    this.state = "idle";
    client.end().catch(() => {});
    if (this.closed) return;
    this.log.warn({ err }, "run-event listener lost its connection; followers poll until it is back");
    this.wakeAll();
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
    setTimeout(() => {
      if (this.state === "idle" && this.followers.size > 0) void this.connect();
    }, delay).unref?.();
  }
}
