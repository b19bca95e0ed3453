/** One PostgreSQL for the whole run (embedded, or DATABASE_URL), with a migrated template database. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../server/db/embedded";
import { createDb, createPool } from "../server/db/client";
import { runMigrations } from "../server/db/migrate";
import { provisionAppRole } from "../server/db/app-role";
import { withDatabase } from "./helpers/url";

export const TEMPLATE_DB = `vad_template_${process.pid}`;

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
  }
}

export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | null = null;
  let dataDir: string | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vad-test-pg-"));
    fs.chmodSync(dataDir, 0o755);
    embedded = await startEmbeddedPostgres(dataDir);
    adminUrl = embedded.url;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DB}`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const pool = createPool(templateUrl, 2);
  await runMigrations(createDb(pool));
  // What start-up does after the migrations: every test database is a copy of this one, grants included.
  await provisionAppRole(createDb(pool), templateUrl);
  await pool.end();

  project.provide("adminUrl", adminUrl);
  project.provide("templateDb", TEMPLATE_DB);

  return async () => {
    const dbs = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname = $1 or datname like $2`,
      [TEMPLATE_DB, `vad_t_${process.pid}_%`],
    );
    for (const { datname } of dbs.rows) await admin.query(`drop database if exists ${datname} with (force)`).catch(() => {});
    await admin.end();
    if (embedded) await embedded.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
