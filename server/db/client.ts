/** The only place that builds database connections: the owner's pool and the tenant role's pool. */
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { OwnerDb } from "./owner";

export type { OwnerDb } from "./owner";
export type { Tx } from "./tenant";
export * as schema from "./schema";

// Return bigint (count(*)) and numeric as JS numbers: every sum here fits in a double exactly enough.
pg.types.setTypeParser(20, (v) => Number(v));

export type PoolOptions = { max?: number; pipeline?: boolean };

export function createPool(url: string, max = 10, options: Omit<PoolOptions, "max"> = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, pipeline: options.pipeline });
  // A dropped connection must not crash the process (database restarts are survivable).
  pool.on("error", () => {});
  return pool;
}

/** The owner handle over a pool that logs in as DATABASE_URL's role. */
export function createDb(pool: pg.Pool): OwnerDb {
  return drizzle(pool, { casing: "snake_case" }) as OwnerDb;
}

/** @deprecated the owner handle's old name: say OwnerDb (decision 003). */
export type Db = OwnerDb;
