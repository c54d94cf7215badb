import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { assertQueueInternals, PINNED_PGLITE_SOCKET, startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";

// The embedded server multiplexes every client connection onto PGlite's single
// session. These checks drive it the way the engine does: many pooled connections
// sending parameterised (extended-protocol) queries at once, and clients that die
// in the middle of one.

let server: EmbeddedPostgres;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-embedded-"));
  server = await startEmbeddedPostgres({ dataDir: dir });
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const int16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };
/** One frontend protocol message: type byte, length, body. */
const message = (type: string, body: Buffer) => Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);

async function rawClient() {
  const net = await import("node:net");
  const sock = net.createConnection({ host: "127.0.0.1", port: Number(new URL(server.url).port) });
  await new Promise((r) => sock.once("connect", r));
  const params = Buffer.from("user\0postgres\0database\0postgres\0\0", "binary");
  sock.write(Buffer.concat([int32(params.length + 8), int32(196608), params]));
  await collect(sock); // authentication .. ReadyForQuery
  return sock;
}

/** Backend message types received until the next ReadyForQuery ('Z'). */
function collect(sock: import("node:net").Socket): Promise<string[]> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const types: string[] = [];
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 5 && buf.length >= 1 + buf.readInt32BE(1)) {
        const t = String.fromCharCode(buf[0]);
        types.push(t);
        buf = buf.subarray(1 + buf.readInt32BE(1));
        if (t === "Z") {
          sock.off("data", onData);
          return resolve(types);
        }
      }
    };
    sock.on("data", onData);
  });
}

describe("embedded PostgreSQL", () => {
  it("keeps concurrent parameterised queries from different connections apart", async () => {
    const pool = new pg.Pool({ connectionString: server.url, max: 12 });
    try {
      const jobs = Array.from({ length: 300 }, (_, i) => {
        const n = (i % 9) + 1; // queries with 1..9 parameters
        const params = Array.from({ length: n }, (_, k) => i * 10 + k);
        const sql = `SELECT ${params.map((_, k) => `$${k + 1}::int`).join(" + ")} AS total`;
        return pool.query(sql, params).then((r) => [Number(r.rows[0].total), params.reduce((a, b) => a + b, 0)]);
      });
      for (const [got, want] of await Promise.all(jobs)) expect(got).toBe(want);
    } finally {
      await pool.end();
    }
  });

  it("keeps a client's Parse..Sync batch whole when it arrives in two pieces while others query", async () => {
    const sock = await rawClient();
    const pool = new pg.Pool({ connectionString: server.url, max: 4 });
    let stop = false;
    const others = Array.from({ length: 4 }, async () => {
      let n = 0;
      while (!stop) {
        const r = await pool.query("SELECT $1::int AS v", [n]);
        expect(r.rows[0].v).toBe(n++);
      }
    });
    try {
      const replies = collect(sock);
      sock.write(message("P", Buffer.from("\0SELECT $1::int + $2::int + $3::int AS total\0\0\0", "binary")));
      await new Promise((r) => setTimeout(r, 150)); // the rest of the batch comes later
      const params = ["1", "2", "3"].map((v) => Buffer.concat([int32(v.length), Buffer.from(v)]));
      sock.write(Buffer.concat([
        message("B", Buffer.concat([Buffer.from("\0\0"), int16(0), int16(3), ...params, int16(0)])),
        message("E", Buffer.concat([Buffer.from("\0"), int32(0)])),
        message("S", Buffer.alloc(0)),
      ]));
      const types = await replies;
      expect(types).not.toContain("E"); // no ErrorResponse
      expect(types).toContain("D"); // the DataRow with 6
    } finally {
      stop = true;
      await Promise.all(others);
      await pool.end();
      sock.destroy();
    }
  });

  it("recovers when a client vanishes in the middle of an extended query", async () => {
    const raw = await import("node:net");
    const { port } = new URL(server.url);
    // A startup message, then a Parse with no Bind or Sync, then the socket dies.
    const sock = raw.createConnection({ host: "127.0.0.1", port: Number(port) });
    await new Promise((r) => sock.once("connect", r));
    const startup = Buffer.from("\0\0\0\0\0\x03\0\0user\0postgres\0database\0postgres\0\0", "binary");
    startup.writeInt32BE(startup.length, 0);
    sock.write(startup);
    await new Promise((r) => setTimeout(r, 100));
    const sql = Buffer.from("SELECT $1::int + $2::int + $3::int\0", "utf8");
    const parse = Buffer.concat([Buffer.from("P"), Buffer.alloc(4), Buffer.from("\0"), sql, Buffer.from([0, 0])]);
    parse.writeInt32BE(parse.length - 1, 1);
    sock.write(parse);
    await new Promise((r) => setTimeout(r, 100));
    sock.destroy();
    await new Promise((r) => setTimeout(r, 100));

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      expect((await client.query("SELECT $1::int AS one", [1])).rows[0].one).toBe(1);
    } finally {
      await client.end();
    }
  });
});

describe("the pglite-socket patch's preconditions", () => {
  const fn = () => undefined;

  it("accepts the installed server's queue, and the installed version is the pinned one", () => {
    // The constructor only stores the database; nothing is started.
    const socketServer = new PGLiteSocketServer({ db: {} as never, port: 0 });
    const queue = (socketServer as unknown as { queryQueue: unknown }).queryQueue;
    expect(assertQueueInternals(queue)).toBe(queue);
    const installed = JSON.parse(fs.readFileSync(path.resolve("node_modules/@electric-sql/pglite-socket/package.json"), "utf8")) as { version: string };
    expect(installed.version).toBe(PINNED_PGLITE_SOCKET);
  });

  it("fails loudly, naming the pinned version and what is missing", () => {
    expect(() => assertQueueInternals(undefined)).toThrow(/queryQueue is missing.*0\.2\.17/);
    expect(() => assertQueueInternals({ clearTransactionIfNeeded: fn, queue: [] })).toThrow(
      /queryQueue\.processQueue is missing or not a function.*pglite-socket.*0\.2\.17/,
    );
    expect(() => assertQueueInternals({ processQueue: "renamed", clearTransactionIfNeeded: fn, queue: [] })).toThrow(/processQueue is missing or not a function/);
    expect(() => assertQueueInternals({ processQueue: fn, queue: [] })).toThrow(/clearTransactionIfNeeded is missing or not a function/);
    expect(() => assertQueueInternals({ processQueue: fn, clearTransactionIfNeeded: fn })).toThrow(/queryQueue\.queue is missing or not an array/);
  });
});
