import { sql, type SQL } from "drizzle-orm";
import type { Transactional } from "../../db/tenant";

/**
 * Runs one aggregate read (a dashboard's sums over a year of rollups, or over every call of the platform) with the
 * settings it needs, transaction-local:
 * - `jit = off`: the planner prices these queries for their worst case, so PostgreSQL would spend seconds
 *   JIT-compiling queries that run in milliseconds;
 * - `work_mem = 16MB`: the planner overestimates the groups of a daily series (about 20,000 for 1,830 real ones),
 *   and with the default 4 MB it sorted a year of rollup rows, spilling to disk, instead of hashing them
 *   (EXPLAIN ANALYZE at a million calls on PostgreSQL 18: 61 ms sorted, 33 ms hashed; docs/benchmarks.md);
 * - with `serial`, no parallel workers: for reads of a few thousand rows by index that the planner prices as a share of
 *   a large table (the Quality page's month rows: a parallel scan of the whole table took 235 ms on the loaded
 *   machine, the bitmap index scan 3.5 ms).
 * `TRow` is the shape the query's select list gives (bigint and numeric columns arrive as strings).
 */
export async function aggregateRead<TRow extends Record<string, unknown> = Record<string, unknown>>(
  db: Transactional,
  query: SQL,
  options: { serial?: boolean } = {},
): Promise<TRow[]> {
  return db.transaction(async (tx) => {
    await tx.execute(
      options.serial
        ? sql`set local jit = off; set local work_mem = '16MB'; set local max_parallel_workers_per_gather = 0`
        : sql`set local jit = off; set local work_mem = '16MB'`,
    );
    const { rows } = await tx.execute<TRow>(query);
    return rows as TRow[];
  });
}
