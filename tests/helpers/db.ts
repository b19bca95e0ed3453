import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDb, createPool, type OwnerDb } from "../../server/db/client";
import { derivedAppUrl } from "../../server/db/app-role";
import { createTenantPool } from "../../server/db/connect";
import { tenantDbs, type TenantDbs } from "../../server/db/tenant";
import { withDatabase } from "./url";

export type TestDatabase = { url: string; db: OwnerDb; pool: pg.Pool; tenantDb: TenantDbs; tenantPool: pg.Pool; drop: () => Promise<void> };

/**
 * A fresh, migrated database for one test file (a copy of the run's template). The template was provisioned once
 * (tests/global-setup.ts), so the tenant role already logs in and holds its grants here.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
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
  return openTestDatabase(url, async () => {
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await a.end();
  });
}

/** Both handles on the database at `url` (already migrated or pushed, and provisioned); `dropDatabase` after the pools close. */
export function openTestDatabase(url: string, dropDatabase: () => Promise<void> = async () => {}): TestDatabase {
  const pool = createPool(url, 10);
  const tenantPool = createTenantPool(derivedAppUrl(url), 10);
  return {
    url,
    db: createDb(pool),
    pool,
    tenantDb: tenantDbs(tenantPool),
    tenantPool,
    drop: async () => {
      await tenantPool.end().catch(() => {});
      await pool.end().catch(() => {});
      await dropDatabase();
    },
  };
}
