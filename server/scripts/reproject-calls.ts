/**
 * `npm run calls:reproject [organization-id]`: rebuilds call rows from the stored raw events (every organization, or
 * one), e.g. after the normalizer learned new fields. Idempotent; prints its progress. Safe while the app runs.
 */
import { parseEnv } from "../env";
import { createDb, createPool } from "../db/client";
import { startEmbeddedPostgres } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { createLogger } from "../lib/logger";
import { reprojectCalls } from "../services/ingestion/reproject";

const organizationId = process.argv[2];
if (organizationId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(organizationId)) {
  console.error("usage: npm run calls:reproject [organization-id]  (the id is a uuid)");
  process.exit(2);
}
const env = parseEnv();
const embedded = env.databaseUrl ? null : await startEmbeddedPostgres(env.dataDir);
const pool = createPool(env.databaseUrl ?? embedded!.url, 2);
try {
  const db = createDb(pool);
  await runMigrations(db);
  const started = performance.now();
  let lastLine = 0;
  const result = await reprojectCalls(
    { db, log: createLogger("warn") },
    {
      organizationId,
      onProgress: ({ done, total, failed }) => {
        if (done < total && performance.now() - lastLine < 1_000 && done !== 0) return;
        lastLine = performance.now();
        const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
        console.log(`reprojected ${done}/${total} events (${percent}%)${failed ? `, ${failed} still failing` : ""}`);
      },
    },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`rebuilt the calls of ${organizationId ? `organization ${organizationId}` : "every organization"} from ${result.total} stored events in ${seconds} s`);
} finally {
  await pool.end();
  await embedded?.stop();
}
