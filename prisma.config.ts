import path from "node:path";
import { defineConfig } from "prisma/config";

// The native schema engine cannot be downloaded on every machine this runs on, and
// without it the CLI tries to, and fails, before any command. `prisma generate` (run
// by npm install's postinstall) only checks that the engine's path exists and never
// runs it, so for generate alone point the path at this file. Every other command
// (migrate deploy, migrate status, db pull) must find the real engine, so it is left
// alone there, and an engine path set by the caller always wins. This app applies
// migrations with lib/db/migrate.ts and authors them with the WASM engine
// (scripts/db-diff.ts); the native engine is never needed here.
if (process.argv.slice(2).includes("generate")) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("prisma.config.ts");
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  // Read the variable directly: prisma's env() throws when it is unset, and
  // generate must work without a database.
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/unused" },
});
