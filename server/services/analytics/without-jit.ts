import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";

/**
 * Runs one read with JIT off. The planner prices aggregate queries for their worst case (a year of calls, or every
 * call of the platform), so PostgreSQL would spend seconds JIT-compiling queries that run in milliseconds.
 */
export async function withoutJit(db: Db, query: SQL): Promise<Array<Record<string, unknown>>> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    const { rows } = await tx.execute<Record<string, unknown>>(query);
    return rows;
  });
}
