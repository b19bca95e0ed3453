import path from "node:path";
import type pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { OwnerDb } from "./owner";

export const migrationsFolder = path.resolve(import.meta.dirname, "migrations");

/**
 * Keys of the session-level advisory locks the app takes (pg_advisory_lock(bigint)); one namespace, so they never
 * collide with each other. Any number of instances started at once queue on STARTUP: the first migrates and sets
 * up the job queues, the others then find everything in place.
 */
export const ADVISORY_LOCKS = { startup: 0x7664_0001n } as const;

/**
 * Runs `fn` while holding a session-level advisory lock on a dedicated connection (released when `fn` ends, or by
 * PostgreSQL if this process dies while holding it).
 */
export async function withAdvisoryLock<T>(pool: pg.Pool, key: bigint, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query("select pg_advisory_lock($1)", [key.toString()]);
    try {
      return await fn(client);
    } finally {
      await client.query("select pg_advisory_unlock($1)", [key.toString()]).catch((err: Error) => (failed = err));
    }
  } catch (err) {
    failed = err as Error;
    throw err;
  } finally {
    // A connection whose unlock failed must not go back to the pool holding the lock.
    client.release(failed);
  }
}

/** Applies the committed migrations, one instance at a time (see ADVISORY_LOCKS.startup). */
export async function runMigrations(db: OwnerDb): Promise<void> {
  await withAdvisoryLock(db.$client, ADVISORY_LOCKS.startup, async (client) => {
    await migrate(drizzle(client, { casing: "snake_case" }), { migrationsFolder });
  });
}
