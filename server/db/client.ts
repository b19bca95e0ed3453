/** The only place that builds database connections: the owner's pool and the tenant role's pool. */
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { OwnerDb } from "./owner";

export type { OwnerDb } from "./owner";
export type { Tx } from "./tenant";
export * as schema from "./schema";

// Return bigint (count(*)) and numeric as JS numbers: every sum here fits in a double exactly enough.
pg.types.setTypeParser(20, (v) => Number(v));

export type ConnectionErrorListener = (err: Error) => void;

/**
 * A pool whose every connection has an error listener for its whole life. node-postgres emits `error` on a client
 * whose connection is lost ("terminating connection due to administrator command", a reset socket); pg-pool
 * listens only while the client is idle, so a client checked out for a transaction at that moment would raise an
 * unhandled `error` event and end the process. The query that was running fails on its own (and is answered 503
 * by the app); the broken client is discarded when it is released (pg-pool drops clients that are no longer
 * queryable), so the pool reconnects as soon as the database is back. `pipeline`: the tenant pool's clients write
 * a statement's messages together (server/db/tenant.ts).
 */
export function createPool(url: string, max = 10, onConnectionError: ConnectionErrorListener = () => {}, options: { pipeline?: boolean } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000, keepAlive: true, pipeline: options.pipeline });
  pool.on("connect", (client) => {
    client.on("error", onConnectionError);
  });
  // Idle clients report through the pool as well (pg-pool removes them itself).
  pool.on("error", onConnectionError);
  return pool;
}

/** The owner handle over a pool that logs in as DATABASE_URL's role. */
export function createDb(pool: pg.Pool): OwnerDb {
  return drizzle(pool, { casing: "snake_case" }) as OwnerDb;
}

/** @deprecated the owner handle's old name: say OwnerDb (decision 003). */
export type Db = OwnerDb;
