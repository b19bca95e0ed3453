/**
 * GET /api/export/calls.ndjson (DESIGN.md §11): every call matching the History filters as one full CallLogDetail
 * per line, built by the same view as GET /api/call-logs/:id. Read in keyset batches as the client consumes them,
 * so memory stays flat however many calls match (tests/integration/export-ndjson.test.ts, 200,000 calls).
 */
import type { CallLogFilters } from "@shared/schemas";
import type { Ctx } from "../context";
import { resolveCallFilters } from "./call-filters";
import { detailColumns, fetchCallPage } from "./call-page";
import { toCallDetail, type DetailRow } from "./call-views";
import { asInputError } from "./time-range";
import { masksPhones } from "./phone-mask";
import type { CallCursor } from "./cursor";

const BATCH = 500;

/** Validates the filters and reads the first batch before any byte is sent (400 and 503 stay real statuses). */
export async function exportCallsNdjson(ctx: Ctx, filters: CallLogFilters): Promise<AsyncIterable<string>> {
  const resolved = await resolveCallFilters(ctx, filters);
  // The same view options as GET /api/call-logs/:id (phone numbers masked for viewers).
  const options = { maskPhones: await masksPhones(ctx) };
  let page: { rows: DetailRow[]; next: CallCursor | null };
  try {
    page = await fetchCallPage(ctx, detailColumns, resolved, undefined, BATCH);
  } catch (err) {
    throw asInputError(err);
  }
  return (async function* () {
    for (;;) {
      if (page.rows.length) yield page.rows.map((row) => `${JSON.stringify(toCallDetail(row, options))}\n`).join("");
      if (!page.next) return;
      page = await fetchCallPage(ctx, detailColumns, resolved, page.next, BATCH);
    }
  })();
}
