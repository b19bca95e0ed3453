/**
 * Child process: the real app (createApp) on the bench database, as `npm start` wires it but without pg-boss jobs
 * and with rate limits off (the load would trip the per-URL webhook limit). Reports its port over IPC.
 */
import { createApp } from "../server/app";
import { createDb, createPool } from "../server/db/client";
import { parseEnv } from "../server/env";
import { Encryptor } from "../server/lib/crypto";
import { createLogger } from "../server/lib/logger";
import { noJobs } from "../server/jobs/types";
import { serveToParent } from "./http";
import { openTenantAccess } from "../server/db/connect";
import { WebhookTokenCache } from "../server/services/ingestion/webhook-token-cache";
import { elevenLabsClients } from "../server/elevenlabs/client";

async function main() {
  const source = { ...process.env };
  if (!source.NODE_ENV) delete source.NODE_ENV;
  const env = parseEnv(source);
  const log = createLogger(env.logLevel);
  const pool = createPool(env.databaseUrl!, 20);
  const db = createDb(pool);
  const tenants = await openTenantAccess(db, env.databaseUrl!, { appUrl: env.databaseAppUrl, max: 20 });
  const deps = { db, tenantDb: tenants.tenantDb, env, log, encryptor: new Encryptor(env.encryptionKeys), jobs: noJobs, now: () => new Date(), webhookTokens: new WebhookTokenCache(), elevenlabs: elevenLabsClients(env.elevenLabsApiUrl) };
  const app = await createApp(deps, { rateLimits: false });
  serveToParent(app, pool);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
