/** The History filters of DESIGN.md §5 and §9 as one SQL condition, always scoped to the caller's organization. */
import { and, eq, gte, isNotNull, lte, sql, type SQL } from "drizzle-orm";
import type { CallLogFilters } from "@shared/schemas";
import { callLogs, organizations } from "../../db/schema";
import type { Ctx } from "../context";
import { checkOrder, fromInstantSql, invalidField, parseBound, parseTimeZone, toInstantSql } from "./time-range";

const SUCCESS_VALUE = { true: "success", false: "failure", unknown: "unknown" } as const;

export type ResolvedCallFilters = {
  where: SQL;
  /** A date range excludes calls without a start time, so the "no start time" tail need not be read. */
  hasDateRange: boolean;
  /** Full-text search is on: see fetchCallPage for why such pages pick their ids first. */
  hasSearch: boolean;
  /** The search text, for the result snippets. */
  search: string | null;
};

/** The zone whole-day bounds are read in: the request's `tz`, else the organization's time zone (DESIGN.md §11). */
async function zoneOf(ctx: Ctx, tz: string | undefined): Promise<string> {
  if (tz) return parseTimeZone(tz);
  const [row] = await ctx.db
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, ctx.organizationId));
  return row?.timeZone ?? "UTC";
}

/** Validates the filters (400 with fields on nonsense) and builds the WHERE clause. */
export async function resolveCallFilters(ctx: Ctx, filters: CallLogFilters): Promise<ResolvedCallFilters> {
  const from = parseBound(filters.from, "from");
  const to = parseBound(filters.to, "to");
  checkOrder(from, to);
  // Only a whole-day bound needs a zone; instants are zone-free, so the common page skips the lookup.
  const tz = from?.kind === "date" || to?.kind === "date" ? await zoneOf(ctx, filters.tz) : parseTimeZone(filters.tz);
  if (
    filters.minDuration !== undefined &&
    filters.maxDuration !== undefined &&
    filters.minDuration > filters.maxDuration
  )
    throw invalidField("minDuration", "`minDuration` must not exceed `maxDuration`");

  const conditions: SQL[] = [eq(callLogs.organizationId, ctx.organizationId)];
  if (filters.agentId) conditions.push(eq(callLogs.agentId, filters.agentId));
  if (from) conditions.push(sql`${callLogs.startedAt} >= ${fromInstantSql(from, tz)}`);
  if (to) conditions.push(sql`${callLogs.startedAt} < ${toInstantSql(to, tz)}`);
  if (from || to) conditions.push(isNotNull(callLogs.startedAt));
  if (filters.status) conditions.push(eq(callLogs.status, filters.status));
  if (filters.success) conditions.push(eq(callLogs.callSuccessful, SUCCESS_VALUE[filters.success]));
  if (filters.minDuration !== undefined) conditions.push(gte(callLogs.durationSeconds, filters.minDuration));
  if (filters.maxDuration !== undefined) conditions.push(lte(callLogs.durationSeconds, filters.maxDuration));
  if (filters.terminationReason) conditions.push(eq(callLogs.terminationReason, filters.terminationReason));
  if (filters.language) conditions.push(eq(callLogs.language, filters.language));
  if (filters.direction) conditions.push(eq(callLogs.direction, filters.direction));
  if (filters.versionId) conditions.push(eq(callLogs.versionId, filters.versionId));
  // Spelled like the partial index's predicate, so the planner can use it.
  if (filters.toolError === "true") conditions.push(sql`has_tool_error`);
  if (filters.minRating !== undefined) conditions.push(gte(callLogs.rating, filters.minRating));
  if (filters.criterion) {
    const at = filters.criterion.lastIndexOf(":");
    const [id, result] = [filters.criterion.slice(0, at), filters.criterion.slice(at + 1)];
    conditions.push(sql`${callLogs.analysis} -> 'evaluation_criteria_results' -> ${id}::text ->> 'result' = ${result}::text`);
  }
  if (filters.phone) conditions.push(eq(callLogs.externalNumber, `+${filters.phone.replace(/^[+ ]/, "")}`));
  const q = filters.q?.trim();
  if (q) conditions.push(sql`${callLogs.search} @@ websearch_to_tsquery('english', ${q})`);
  return { where: and(...conditions) as SQL, hasDateRange: Boolean(from || to), hasSearch: Boolean(q), search: q || null };
}
