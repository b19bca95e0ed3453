/** History: filtered, keyset-paginated calls of the caller's organization, newest first. */
import type { CallLogSummary, ListCallLogsQuery } from "@shared/schemas";
import type { Ctx } from "../context";
import { asInputError } from "./time-range";
import { resolveCallFilters } from "./call-filters";
import { fetchCallPage, withSnippet } from "./call-page";
import { masksPhones } from "./phone-mask";
import { decodeCursor, encodeCursor } from "./cursor";
import { toCallSummary } from "./call-views";

export async function listCallLogs(
  ctx: Ctx,
  query: ListCallLogsQuery,
): Promise<{ data: CallLogSummary[]; nextCursor: string | null }> {
  const filters = await resolveCallFilters(ctx, query);
  const cursor = decodeCursor(query.cursor);
  try {
    const { rows, next } = await fetchCallPage(ctx, withSnippet(filters.search), filters, cursor, query.limit);
    const options = { maskPhones: await masksPhones(ctx) };
    return { data: rows.map((row) => toCallSummary(row, options)), nextCursor: next ? encodeCursor(next) : null };
  } catch (err) {
    throw asInputError(err);
  }
}
