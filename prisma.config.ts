import path from "node:path";
import { defineConfig } from "prisma/config";

// The native schema engine cannot be downloaded on every machine this runs on.
// `prisma generate` only checks that the binary path exists (it never runs it), so
// point it at this file. Migrations are applied by lib/db/migrate.ts and authored
// with the WASM engine (scripts/db-diff.ts), never by the native engine.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("prisma.config.ts");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Read the variable directly: prisma's env() throws when it is unset, and
  // generate must work without a database.
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/unused" },
});
