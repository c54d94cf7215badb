import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";
import { PgRunNotifications, RUN_EVENTS_CHANNEL } from "./run-notifications";

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function notifyFromAnotherConnection(url: string, payload: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query("SELECT pg_notify($1, $2)", [RUN_EVENTS_CHANNEL, payload]);
  await c.end();
}

describe("run-event notifications", () => {
  it.runIf(inject("databaseServerUrl"))("wake a follower of that run only, from another connection, on a PostgreSQL server", async () => {
    const hub = new PgRunNotifications({ connectionString: inject("databaseUrl") });
    closers.push(() => hub.close());
    expect(await hub.ready()).toBe(true);
    const woken: string[] = [];
    const stop = hub.subscribe("run-a", () => woken.push("a"));
    hub.subscribe("run-b", () => woken.push("b"));
    await notifyFromAnotherConnection(inject("databaseUrl"), "run-a");
    await expect.poll(() => woken).toEqual(["a"]);
    stop();
    await notifyFromAnotherConnection(inject("databaseUrl"), "run-a");
    await new Promise((r) => setTimeout(r, 200));
    expect(woken).toEqual(["a"]);
  });

  // Why followers poll on the embedded database: pglite-socket runs every connection
  // on PGlite's one session and delivers no notification to another connection. If a
  // later version does, this fails and the probe starts trusting it by itself.
  it("are not delivered across connections by the embedded database, so the listener reports it is not live", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-notify-"));
    const embedded = await startEmbeddedPostgres({ dataDir: dir });
    closers.push(async () => {
      await embedded.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const listener = new pg.Client({ connectionString: embedded.url });
    await listener.connect();
    const seen: string[] = [];
    listener.on("notification", (n) => seen.push(n.payload ?? ""));
    await listener.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
    await notifyFromAnotherConnection(embedded.url, "run-a");
    await listener.query("SELECT 1");
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([]);
    await listener.end();

    const hub = new PgRunNotifications({ connectionString: embedded.url, probeTimeoutMs: 500 });
    closers.push(() => hub.close());
    expect(await hub.ready()).toBe(false);
  }, 60_000);
});
