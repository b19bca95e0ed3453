/**
 * Where a History filter reads its calls from. Normally call_logs, under the tenant policy. With a full-text search,
 * the call_search view under the table's name: `@@` cannot use the GIN index under row-level security (it is not
 * LEAKPROOF), the view filters by the transaction's organization itself (server/db/schema/calls.ts), and the
 * filter's column references ("call_logs"."started_at", ...) resolve to it unchanged.
 */
import { sql, type SQL } from "drizzle-orm";
import { callLogs, callSearch } from "../../db/schema";
import type { ResolvedCallFilters } from "./call-filters";

const searchable: SQL = sql`${callSearch} as ${callLogs}`;

export function callSource(filters: Pick<ResolvedCallFilters, "hasSearch">): SQL | typeof callLogs {
  return filters.hasSearch ? searchable : callLogs;
}
