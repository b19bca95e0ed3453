/** The only place that builds database connections. */
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema";

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };

// Return bigint (count(*)) and numeric as JS numbers: every sum here fits in a double exactly enough.
pg.types.setTypeParser(20, (v) => Number(v));

export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // A dropped connection must not crash the process (database restarts are survivable).
  pool.on("error", () => {});
  return pool;
}

export function createDb(pool: pg.Pool): Db {
  return drizzle(pool, { schema, casing: "snake_case" }) as Db;
}

export { schema };

/** A transaction handle, as passed to db.transaction's callback. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
