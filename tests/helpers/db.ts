import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, createPool, type Db } from "../../server/db/client";
import { withDatabase } from "./url";

/** A fresh, migrated database for one test file (a copy of the run's template). */
export async function createTestDatabase(): Promise<{ url: string; db: Db; pool: pg.Pool; drop: () => Promise<void> }> {
  const adminUrl = inject("adminUrl");
  const template = inject("templateDb");
  const name = `${template.replace("template", "t")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, 10);
  return {
    url,
    db: createDb(pool),
    pool,
    drop: async () => {
      await pool.end().catch(() => {});
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}
