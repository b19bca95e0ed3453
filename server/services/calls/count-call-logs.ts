/** GET /api/call-logs/count: the exact number of calls a History filter matches. */
import { sql } from "drizzle-orm";
import type { CallLogFilters } from "@shared/schemas";
import type { Ctx } from "../context";
import { callSource } from "./call-source";
import { resolveCallFilters } from "./call-filters";
import { asInputError } from "./time-range";

export async function countCallLogs(ctx: Ctx, query: CallLogFilters): Promise<{ count: number }> {
  const filters = await resolveCallFilters(ctx, query);
  try {
    const { rows } = await ctx.db.execute<{ count: number }>(sql`select count(*)::bigint as count from ${callSource(filters)} where ${filters.where}`);
    return { count: Number(rows[0]?.count ?? 0) };
  } catch (err) {
    throw asInputError(err);
  }
}
