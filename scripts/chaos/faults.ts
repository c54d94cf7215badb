// Faults injected from outside the app, without touching its code:
// - pg_terminate_backend on the app's own sessions (they carry application_name
//   chaos-app-*, so the checker's and the reviewer's sessions survive);
// - tools that fail or hang: BEFORE triggers on the world tables the side-effecting
//   tools write (credits, plan_changes, dispatches, line_states), armed per round.
//   The trigger only fires for the app's sessions, so the world reset and the
//   reviewer's approvals (application_name chaos) are never faulted. In retry_kill the
//   same trigger sits on tool_calls instead: a worker's own bookkeeping that fails
//   fails its attempt, and two failed attempts make a worker_failure review item;
// - commits that stall (slow_commit): a deferred constraint trigger on the same world
//   tables that sleeps at COMMIT, past the worker attempt's timeout;
// - a write log (sigstop modes): a deferred trigger that records, at COMMIT, which app
//   process wrote a row for which run, so a process that was stopped and replaced can
//   be caught writing for a run it lost.
import type pg from "pg";

/** Terminates every backend of the app processes on `database`; returns how many. */
export async function terminateAppConnections(admin: pg.ClientBase | pg.Pool, database: string): Promise<number> {
  const r = await admin.query<{ n: string }>(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND application_name LIKE 'chaos-app-%'`,
    [database],
  );
  return Number(r.rows[0].n);
}

export interface ToolFaultConfig {
  /** Probability per write of a non-transient error (SQLSTATE P0001: the tool answers "internal"). */
  fail: number;
  /** Probability of a transient one (57P01, as if the server shut the session down: the tool retries). */
  transient: number;
  /** Probability of a hang of hangMinS..hangMaxS seconds (slow tool, inside the worker's 20 s timeout). */
  hang: number;
  hangMinS: number;
  hangMaxS: number;
  /** Probability of a hang of longHangS seconds (past the worker's timeout). */
  longHang: number;
  longHangS: number;
}

export const OFF: ToolFaultConfig = { fail: 0, transient: 0, hang: 0, hangMinS: 0, hangMaxS: 0, longHang: 0, longHangS: 0 };
const TABLES = ["credits", "plan_changes", "dispatches", "line_states"];
const COUNTERS = ["fail", "transient", "hang", "long_hang"] as const;
export type FaultCounts = Record<(typeof COUNTERS)[number], number>;

export async function installToolFaults(admin: pg.ClientBase | pg.Pool, tables: string[] = TABLES): Promise<void> {
  // Sequences count injected faults: nextval survives the rollback the error causes.
  for (const c of COUNTERS) await admin.query(`CREATE SEQUENCE IF NOT EXISTS chaos_fault_${c}`);
  await admin.query(`CREATE TABLE IF NOT EXISTS chaos_fault_config (
    id int PRIMARY KEY, fail float8, transient float8, hang float8, hang_min_s float8, hang_max_s float8, long_hang float8, long_hang_s float8)`);
  await admin.query(`
    CREATE OR REPLACE FUNCTION chaos_tool_fault() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE cfg chaos_fault_config%ROWTYPE; r float8 := random();
    BEGIN
      IF current_setting('application_name', true) NOT LIKE 'chaos-app-%' THEN RETURN NEW; END IF;
      SELECT * INTO cfg FROM chaos_fault_config WHERE id = 1;
      IF NOT FOUND THEN RETURN NEW; END IF;
      IF r < cfg.fail THEN
        PERFORM nextval('chaos_fault_fail');
        RAISE EXCEPTION 'chaos: % write failed', TG_TABLE_NAME USING ERRCODE = 'P0001';
      END IF;
      r := r - cfg.fail;
      IF r < cfg.transient THEN
        PERFORM nextval('chaos_fault_transient');
        RAISE EXCEPTION 'chaos: terminating connection due to administrator command (%)', TG_TABLE_NAME USING ERRCODE = '57P01';
      END IF;
      r := r - cfg.transient;
      IF r < cfg.hang THEN
        PERFORM nextval('chaos_fault_hang');
        PERFORM pg_sleep(cfg.hang_min_s + random() * (cfg.hang_max_s - cfg.hang_min_s));
        RETURN NEW;
      END IF;
      r := r - cfg.hang;
      IF r < cfg.long_hang THEN
        PERFORM nextval('chaos_fault_long_hang');
        PERFORM pg_sleep(cfg.long_hang_s);
      END IF;
      RETURN NEW;
    END $$`);
  for (const t of tables) {
    await admin.query(`DROP TRIGGER IF EXISTS chaos_tool_fault ON ${t}`);
    await admin.query(`CREATE TRIGGER chaos_tool_fault BEFORE INSERT OR UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION chaos_tool_fault()`);
  }
  await setToolFaults(admin, OFF);
}

export async function setToolFaults(admin: pg.ClientBase | pg.Pool, c: ToolFaultConfig): Promise<void> {
  await admin.query(
    `INSERT INTO chaos_fault_config VALUES (1, $1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET fail = $1, transient = $2, hang = $3, hang_min_s = $4, hang_max_s = $5, long_hang = $6, long_hang_s = $7`,
    [c.fail, c.transient, c.hang, c.hangMinS, c.hangMaxS, c.longHang, c.longHangS],
  );
}

/** How many faults the triggers injected so far (cumulative). */
export async function readFaultCounts(admin: pg.ClientBase | pg.Pool): Promise<FaultCounts> {
  const out = {} as FaultCounts;
  for (const c of COUNTERS) {
    const r = await admin.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM chaos_fault_${c}`);
    out[c] = r.rows[0].is_called ? Number(r.rows[0].last_value) : 0;
  }
  return out;
}

export async function dropToolFaults(admin: pg.ClientBase | pg.Pool): Promise<void> {
  for (const t of [...TABLES, "tool_calls"]) await admin.query(`DROP TRIGGER IF EXISTS chaos_tool_fault ON ${t}`);
  await admin.query(`DROP FUNCTION IF EXISTS chaos_tool_fault()`);
  await admin.query(`DROP TABLE IF EXISTS chaos_fault_config`);
  for (const c of COUNTERS) await admin.query(`DROP SEQUENCE IF EXISTS chaos_fault_${c}`);
}

/**
 * Commits that stall: with probability `p` per world-table write of an app session, the
 * transaction sleeps `minS..maxS` seconds at COMMIT (a deferred constraint trigger), after
 * every statement of the tool has run. Counted by the sequence chaos_fault_slow_commit.
 */
export async function installSlowCommits(admin: pg.ClientBase | pg.Pool): Promise<void> {
  await admin.query(`CREATE SEQUENCE IF NOT EXISTS chaos_fault_slow_commit`);
  await admin.query(`CREATE TABLE IF NOT EXISTS chaos_slow_commit_config (id int PRIMARY KEY, p float8, min_s float8, max_s float8)`);
  await admin.query(`
    CREATE OR REPLACE FUNCTION chaos_slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE cfg chaos_slow_commit_config%ROWTYPE;
    BEGIN
      IF current_setting('application_name', true) NOT LIKE 'chaos-app-%' THEN RETURN NULL; END IF;
      SELECT * INTO cfg FROM chaos_slow_commit_config WHERE id = 1;
      IF NOT FOUND OR random() >= cfg.p THEN RETURN NULL; END IF;
      PERFORM nextval('chaos_fault_slow_commit');
      PERFORM pg_sleep(cfg.min_s + random() * (cfg.max_s - cfg.min_s));
      RETURN NULL;
    END $$`);
  for (const t of TABLES) {
    await admin.query(`DROP TRIGGER IF EXISTS chaos_slow_commit ON ${t}`);
    await admin.query(`CREATE CONSTRAINT TRIGGER chaos_slow_commit AFTER INSERT OR UPDATE ON ${t} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION chaos_slow_commit()`);
  }
  await setSlowCommits(admin, 0, 0, 0);
}

export async function setSlowCommits(admin: pg.ClientBase | pg.Pool, p: number, minS: number, maxS: number): Promise<void> {
  await admin.query(`INSERT INTO chaos_slow_commit_config VALUES (1, $1, $2, $3) ON CONFLICT (id) DO UPDATE SET p = $1, min_s = $2, max_s = $3`, [p, minS, maxS]);
}

/** How many commits were stalled so far (cumulative). */
export async function readSlowCommits(admin: pg.ClientBase | pg.Pool): Promise<number> {
  const r = await admin.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM chaos_fault_slow_commit`);
  return r.rows[0].is_called ? Number(r.rows[0].last_value) : 0;
}

// The tables an executor writes on a run's behalf, with the column naming the run.
const RUN_TABLES: Array<[string, string]> = [
  ["runs", "id"], ["run_events", "runId"], ["messages", "runId"], ["reply_parts", "runId"], ["worker_invocations", "runId"],
  ["tool_calls", "runId"], ["model_calls", "runId"], ["review_items", "runId"], ["side_effects", "runId"],
  ["credits", "runId"], ["plan_changes", "runId"], ["dispatches", "runId"],
];

/** The write log: one row per committed app write to a run's rows (process, table, run, commit time). */
export async function installWriteLog(admin: pg.ClientBase | pg.Pool): Promise<void> {
  await admin.query(`CREATE TABLE IF NOT EXISTS chaos_write_log (app text, tbl text, run_id text, at timestamptz, op text, status text, lease text)`);
  await admin.query(`
    CREATE OR REPLACE FUNCTION chaos_log_write() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE app text := current_setting('application_name', true);
    BEGIN
      IF app NOT LIKE 'chaos-app-%' THEN RETURN NULL; END IF;
      INSERT INTO chaos_write_log VALUES (app, TG_TABLE_NAME, to_jsonb(NEW) ->> TG_ARGV[0], clock_timestamp(), TG_OP,
        to_jsonb(NEW) ->> 'status', current_setting('switchboard.lease', true));
      RETURN NULL;
    END $$`);
  for (const [t, col] of RUN_TABLES) {
    await admin.query(`DROP TRIGGER IF EXISTS chaos_log_write ON ${t}`);
    await admin.query(`CREATE CONSTRAINT TRIGGER chaos_log_write AFTER INSERT OR UPDATE ON ${t} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION chaos_log_write('${col}')`);
  }
}

/** Rows process `app` committed for `runIds` after `since`: table, run, operation, new status and the transaction's lease mark of each. */
export async function writesSince(admin: pg.ClientBase | pg.Pool, app: string, runIds: string[], since: Date) {
  const r = await admin.query<{ tbl: string; run_id: string; at: Date; op: string; status: string | null; lease: string | null }>(
    `SELECT tbl, run_id, at, op, status, lease FROM chaos_write_log WHERE app = $1 AND run_id = ANY($2) AND at > $3 ORDER BY at`, [app, runIds, since]);
  return r.rows;
}

export async function dropWriteLog(admin: pg.ClientBase | pg.Pool): Promise<void> {
  for (const [t] of RUN_TABLES) await admin.query(`DROP TRIGGER IF EXISTS chaos_log_write ON ${t}`);
  await admin.query(`DROP FUNCTION IF EXISTS chaos_log_write()`);
  await admin.query(`DROP TABLE IF EXISTS chaos_write_log`);
}

export async function dropSlowCommits(admin: pg.ClientBase | pg.Pool): Promise<void> {
  for (const t of TABLES) await admin.query(`DROP TRIGGER IF EXISTS chaos_slow_commit ON ${t}`);
  await admin.query(`DROP FUNCTION IF EXISTS chaos_slow_commit()`);
  await admin.query(`DROP TABLE IF EXISTS chaos_slow_commit_config`);
  await admin.query(`DROP SEQUENCE IF EXISTS chaos_fault_slow_commit`);
}
