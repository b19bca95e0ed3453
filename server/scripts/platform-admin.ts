/**
 * `npm run admin:grant <email>` / `npm run admin:revoke <email>`: platform admin from the server's shell (DESIGN §12).
 * A grant works for any account; a revoke holds over PLATFORM_ADMIN_EMAILS until the next grant. One line of output;
 * exit 1 when there is no such account, 2 on a usage error. Works while the app runs (same DATA_DIR or DATABASE_URL).
 */
import { parseEnv } from "../env";
import { createDb, createPool } from "../db/client";
import { runningEmbeddedUrl, startEmbeddedPostgres } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { grantPlatformAdmin, revokePlatformAdmin } from "../services/auth/platform-admins";

const [action, rawEmail] = process.argv.slice(2);
const email = rawEmail?.trim().toLowerCase();
if ((action !== "grant" && action !== "revoke") || !email || !/^[^\s@]+@[^\s@]+$/.test(email)) {
  console.error("usage: npm run admin:grant <email>  |  npm run admin:revoke <email>");
  process.exit(2);
}

const env = parseEnv();
const runningUrl = env.databaseUrl ? null : runningEmbeddedUrl(env.dataDir);
const embedded = env.databaseUrl || runningUrl ? null : await startEmbeddedPostgres(env.dataDir);
const pool = createPool(env.databaseUrl ?? runningUrl ?? embedded!.url, 2);
let exitCode = 0;
try {
  const db = createDb(pool);
  await runMigrations(db);
  const now = new Date();
  const result = action === "grant" ? await grantPlatformAdmin(db, email, now) : await revokePlatformAdmin(db, env.platformAdminEmails, email, now);
  if (result.outcome === "no_account") {
    console.error(`no account has the email ${email}: nothing changed (the person signs up first, then run this again)`);
    exitCode = 1;
  } else if (action === "grant") {
    console.log(
      result.outcome === "changed"
        ? `${result.email} is now a platform admin (granted from the server shell)`
        : `${result.email} was already a platform admin (granted from the server shell): nothing changed`,
    );
  } else {
    console.log(
      result.outcome === "changed"
        ? `${result.email} is no longer a platform admin (PLATFORM_ADMIN_EMAILS no longer applies to it until the next admin:grant)`
        : `${result.email} was not a platform admin; recorded as revoked, so PLATFORM_ADMIN_EMAILS will not make it one until the next admin:grant`,
    );
  }
} finally {
  await pool.end();
  await embedded?.stop();
}
process.exit(exitCode);
