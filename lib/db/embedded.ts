import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts PostgreSQL compiled to WASM (PGlite) with its data in `dataDir`, served on
 * 127.0.0.1 so the app reaches it through the same pg driver adapter as a real server.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number }): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const port = opts.port ?? (await freePort());
  // The server's default of one connection makes a pooled client fail under any
  // parallelism; PGlite serialises transactions itself, so many sockets are safe.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 100 });
  keepExtendedQueriesWhole(server, db);
  await server.start();
  return {
    // PGlite has a single database; the name and user in the URL are not checked.
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    dataDir,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/** The pglite-socket version whose private queue keepExtendedQueriesWhole replaces. */
export const PINNED_PGLITE_SOCKET = "0.2.17";
const REPLACED_METHODS = ["processQueue", "clearTransactionIfNeeded"] as const;

/**
 * The server's private query queue, checked to have what keepExtendedQueriesWhole
 * replaces and reads. Throws at start, naming what is missing, rather than letting a
 * changed pglite-socket fail later as interleaved or hung queries.
 */
export function assertQueueInternals(queue: unknown): any {
  const where = `@electric-sql/pglite-socket's private query queue (keepExtendedQueriesWhole in lib/db/embedded.ts is written against ${PINNED_PGLITE_SOCKET}, pinned in package.json)`;
  if (!queue || typeof queue !== "object") throw new Error(`PGLiteSocketServer.queryQueue is missing: ${where}`);
  const q = queue as Record<string, unknown>;
  for (const method of REPLACED_METHODS) {
    if (typeof q[method] !== "function") throw new Error(`queryQueue.${method} is missing or not a function: ${where}`);
  }
  if (!Array.isArray(q.queue)) throw new Error(`queryQueue.queue is missing or not an array: ${where}`);
  return queue;
}

// Message types of PostgreSQL's extended query protocol that leave the session
// "inside" a client's Parse..Sync batch, and the two that end it.
const EXTENDED = new Set(["P", "B", "D", "E", "C", "H", "F"].map((c) => c.charCodeAt(0)));
const SYNC = "S".charCodeAt(0);
const SIMPLE_QUERY = "Q".charCodeAt(0);
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData(data: Uint8Array): void;
  resolve(bytes: number): void;
  reject(err: unknown): void;
}

/**
 * pglite-socket 0.2.17 (pinned) runs every client connection on PGlite's single
 * session and queues protocol messages one by one, keeping a client's turn only
 * inside an explicit transaction. A parameterised query is several messages
 * (Parse, Bind, Execute, Sync); when a batch reaches the server in two TCP chunks,
 * another client's Parse can land between them and the Bind then hits the wrong
 * statement ("bind message supplies 3 parameters, but prepared statement requires
 * 9"). This keeps a client's turn from its first extended-protocol message to its
 * Sync, and, if the client vanishes mid-batch, ends the batch with a Sync of our
 * own so the session is clean for the next client. It replaces the queue's
 * private methods, so it is tied to the pinned version: assertQueueInternals stops
 * the start if they are gone, and lib/db/embedded.test.ts checks both.
 */
function keepExtendedQueriesWhole(server: PGLiteSocketServer, db: PGlite) {
  const queue = assertQueueInternals((server as unknown as { queryQueue?: unknown }).queryQueue);
  let batchOwner: number | null = null;

  queue.processQueue = async function processQueue(this: any) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const sticky = batchOwner ?? (db.isInTransaction() ? this.lastHandlerId : null);
        const index = sticky === null ? 0 : this.queue.findIndex((q: QueuedMessage) => q.handlerId === sticky);
        if (index === -1) break; // wait for the rest of that client's batch or transaction
        const item: QueuedMessage = this.queue.splice(index, 1)[0];
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          item.reject(err);
          continue;
        }
        const type = item.message[0];
        if (EXTENDED.has(type)) batchOwner = item.handlerId;
        else if (type === SYNC || type === SIMPLE_QUERY) batchOwner = null;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };

  const clearTransaction = queue.clearTransactionIfNeeded.bind(queue);
  queue.clearTransactionIfNeeded = async (handlerId: number) => {
    if (batchOwner === handlerId) {
      batchOwner = null;
      await db.runExclusive(() => db.execProtocolRaw(SYNC_MESSAGE));
    }
    await clearTransaction(handlerId);
    await queue.processQueue();
  };
}
