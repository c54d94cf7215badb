// A separate app process for the audit chain's concurrency test: COUNT transactions
// over three connections at once, each appending two entries with a pause in between,
// so that transactions of every process interleave.
import { appendAudit } from "../lib/db/audit";
import { createDb } from "../lib/db/client";

const { DATABASE_URL, COUNT, NAME } = process.env;
const db = createDb(DATABASE_URL!, 4);
const count = Number(COUNT ?? 20);
const lanes = 3;
await Promise.all(
  Array.from({ length: lanes }, async (_, lane) => {
    for (let i = lane; i < count; i += lanes) {
      await db.$transaction(
        async (tx) => {
          await appendAudit(tx, { kind: "test_append", actor: `system:${NAME}`, subject: `${NAME}:${i}:a`, payload: { i } });
          await new Promise((r) => setTimeout(r, Math.random() * 20));
          await appendAudit(tx, { kind: "test_append", actor: `system:${NAME}`, subject: `${NAME}:${i}:b`, payload: { i } });
        },
        { maxWait: 20_000, timeout: 20_000 },
      );
    }
  }),
);
await db.$disconnect();
