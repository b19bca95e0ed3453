/**
 * `npm run rollups:rebuild [organization-id]`: recomputes call_hourly_rollups, call_quarter_rollups and
 * call_quality_rollups from call_logs and the tombstones (every organization, or one), folding split buckets back into
 * one row each. Ingestion keeps the rollups current; this is the repair
 * path, and the definition the rollups are tested against (server/services/analytics/rollups.ts).
 */
import { parseEnv } from "../env";
import { createDb, createPool } from "../db/client";
import { startEmbeddedPostgres } from "../db/embedded";
import { rebuildRollups } from "../services/analytics/rollups";

const organizationId = process.argv[2];
if (organizationId !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(organizationId)) {
  console.error("usage: npm run rollups:rebuild [organization-id]  (the id is a uuid)");
  process.exit(2);
}
const env = parseEnv();
const embedded = env.databaseUrl ? null : await startEmbeddedPostgres(env.dataDir);
const pool = createPool(env.databaseUrl ?? embedded!.url, 2);
try {
  const started = performance.now();
  await rebuildRollups(createDb(pool), organizationId);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`rebuilt the hourly rollups of ${organizationId ? `organization ${organizationId}` : "every organization"} in ${seconds} s`);
} finally {
  await pool.end();
  await embedded?.stop();
}
