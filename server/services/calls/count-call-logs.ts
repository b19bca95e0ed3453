/** GET /api/call-logs/count: the exact number of calls a History filter matches. */
import { sql } from "drizzle-orm";
import type { CallLogFilters } from "@shared/schemas";
import type { Ctx } from "../../lib/context";
import { resolveCallFilters } from "./call-filters";
import { asInputError } from "./time-range";

export async function countCallLogs(ctx: Ctx, query: CallLogFilters): Promise<{ count: number }> {
  const filters = resolveCallFilters(ctx, query);
  // A search counts on the owner handle with the filter's explicit organization_id: under RLS `@@` cannot use the
  // GIN index (see selectPage in call-page.ts). Every other count runs as the tenant.
  const db = filters.hasSearch ? ctx.deps.db : ctx.db;
  try {
    const { rows } = await db.execute<{ count: number }>(sql`select count(*)::bigint as count from call_logs where ${filters.where}`);
    return { count: Number(rows[0]?.count ?? 0) };
  } catch (err) {
    throw asInputError(err);
  }
}
