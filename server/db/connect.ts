/** The two handles over their pools: the owner's (DATABASE_URL) and the tenant role's (logged in as vad_app). */
import type pg from "pg";
import { assertUnprivileged, inspectLogin, provisionAppRole } from "./app-role";
import { createDb, createPool, type ConnectionErrorListener } from "./client";
import type { OwnerDb } from "./owner";
import { tenantDbs, type TenantDbs } from "./tenant";

export type TenantAccess = { pool: pg.Pool; tenantDb: TenantDbs };

/** Tenant connections are pipelined (one round trip per statement, server/db/tenant.ts). */
export function createTenantPool(appUrl: string, max = 10, onConnectionError?: ConnectionErrorListener): pg.Pool {
  return createPool(appUrl, max, onConnectionError, { pipeline: true });
}

/**
 * Start-up, after the migrations: keeps the tenant role in step (server/db/app-role.ts), opens its pool and
 * refuses to go on if that login could step outside row-level security.
 */
export async function openTenantAccess(
  owner: OwnerDb,
  ownerUrl: string,
  options: { appUrl?: string; max?: number; onConnectionError?: ConnectionErrorListener } = {},
): Promise<TenantAccess> {
  const appUrl = await provisionAppRole(owner, ownerUrl, options.appUrl);
  const pool = createTenantPool(appUrl, options.max, options.onConnectionError);
  try {
    const client = await pool.connect();
    try {
      assertUnprivileged(await inspectLogin(client), options.appUrl ? "of DATABASE_APP_URL" : "vad_app");
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return { pool, tenantDb: tenantDbs(pool) };
}

export { createDb, createPool };
