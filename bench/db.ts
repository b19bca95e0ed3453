/** The bench's own fresh database: embedded PostgreSQL in a temp dir, or a new database on BENCH_DATABASE_URL. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createDb, createPool, type OwnerDb } from "../server/db/client";
import type { TenantDbs } from "../server/db/tenant";
import { startEmbeddedPostgres } from "../server/db/embedded";
import { runMigrations } from "../server/db/migrate";
import { openTenantAccess } from "../server/db/connect";

export type BenchDatabase = {
  url: string;
  db: OwnerDb;
  pool: pg.Pool;
  tenantDb: TenantDbs;
  /** The embedded server's DATA_DIR (null with BENCH_DATABASE_URL). */
  dataDir: string | null;
  kind: string;
  /** Stops the embedded server (keeping its files) or drops the database. */
  stop: () => Promise<void>;
  /** Removes what stop() left behind. */
  cleanup: () => void;
};

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function openBenchDatabase(serverUrl: string | undefined): Promise<BenchDatabase> {
  let url: string;
  let stopServer: () => Promise<void>;
  let dataDir: string | null = null;
  let kind: string;
  if (serverUrl) {
    const host = new URL(serverUrl).hostname;
    if (host !== "127.0.0.1" && host !== "localhost") throw new Error("BENCH_DATABASE_URL must point at 127.0.0.1");
    const name = `vad_bench_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    url = withDatabase(serverUrl, name);
    kind = "BENCH_DATABASE_URL (fresh database, dropped afterwards)";
    stopServer = async () => {
      // BENCH_KEEP_DATABASE=1 leaves the loaded database for EXPLAIN ANALYZE and experiments (drop it by hand).
      if (process.env.BENCH_KEEP_DATABASE) {
        console.log(`[bench] kept database ${name}`);
        return;
      }
      const a = new pg.Client({ connectionString: serverUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    };
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vad-bench-"));
    // As root, PostgreSQL runs as `postgres`, which must be able to reach DATA_DIR/pg.
    fs.chmodSync(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres(dataDir);
    url = embedded.url;
    kind = "embedded PostgreSQL in a temp dir";
    stopServer = embedded.stop;
  }
  const pool = createPool(url, 20);
  const db = createDb(pool);
  await runMigrations(db);
  const tenants = await openTenantAccess(db, url);
  let stopped = false;
  return {
    url,
    db,
    pool,
    tenantDb: tenants.tenantDb,
    dataDir,
    kind,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await tenants.pool.end().catch(() => {});
      await pool.end().catch(() => {});
      await stopServer();
    },
    cleanup: () => {
      if (!dataDir) return;
      if (process.env.BENCH_KEEP_DATABASE) console.log(`[bench] kept the embedded data directory ${dataDir}`);
      else fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
