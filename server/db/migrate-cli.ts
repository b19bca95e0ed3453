/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL (or the embedded database under DATA_DIR). */
import { parseEnv } from "../env";
import { createDb, createPool } from "./client";
import { startEmbeddedPostgres } from "./embedded";
import { runMigrations } from "./migrate";

const env = parseEnv();
const embedded = env.databaseUrl ? null : await startEmbeddedPostgres(env.dataDir);
const pool = createPool(env.databaseUrl ?? embedded!.url, 2);
try {
  await runMigrations(createDb(pool));
  console.log("migrations applied");
} finally {
  await pool.end();
  await embedded?.stop();
}
