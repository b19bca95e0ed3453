/**
 * Child process: the real app (createApp) on the bench database, as `npm start` wires it, with its background
 * ingestion work on (the inbox projector and the token listener) but without pg-boss jobs (sync and alerts have
 * their own scenarios), and with rate limits off (the bench registers owners from one address; the junk flood of the
 * ingestion scenario then has its bodies read, the heavier case). Reports its port over IPC.
 */
import { createApp } from "../server/app";
import { createDb, createPool } from "../server/db/client";
import { parseEnv } from "../server/env";
import { Encryptor } from "../server/lib/crypto";
import { createLogger } from "../server/lib/logger";
import { noJobs } from "../server/services/jobs";
import { serveToParent } from "./http";
import { openTenantAccess } from "../server/db/connect";
import { listenForTokenChanges, WebhookTokenCache } from "../server/services/ingestion/webhook-token-cache";
import { InboxSignal } from "../server/services/ingestion/inbox";
import { startProjector } from "../server/services/ingestion/projector";
import { elevenLabsClients } from "../server/elevenlabs/client";

async function main() {
  const source = { ...process.env };
  if (!source.NODE_ENV) delete source.NODE_ENV;
  const env = parseEnv(source);
  const log = createLogger(env.logLevel);
  const pool = createPool(env.databaseUrl!, 20);
  const db = createDb(pool);
  const tenants = await openTenantAccess(db, env.databaseUrl!, { appUrl: env.databaseAppUrl, max: 20 });
  const deps = { db, tenantDb: tenants.tenantDb, env, log, encryptor: new Encryptor(env.encryptionKeys), jobs: noJobs, now: () => new Date(), webhookTokens: new WebhookTokenCache(), inbox: new InboxSignal(), elevenlabs: elevenLabsClients(env.elevenLabsApiUrl) };
  const app = await createApp(deps, { rateLimits: false });
  const projector = env.projector ? startProjector({ db, log, inbox: deps.inbox }) : null;
  const tokens = listenForTokenChanges(pool, deps.webhookTokens, log);
  // Release their connections on SIGTERM, so the pool can end and the process exit (and write its CPU profile).
  process.on("SIGTERM", () => void Promise.all([projector?.stop(), tokens.stop()]));
  serveToParent(app, pool);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
