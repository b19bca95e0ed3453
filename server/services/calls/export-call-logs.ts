/** CSV export of the History filter, produced in keyset batches so memory stays flat however many calls match. */
import type { CallLogFilters } from "@shared/schemas";
import type { Ctx } from "../context";
import { resolveCallFilters } from "./call-filters";
import { detailColumns, fetchCallPage } from "./call-page";
import { toCallDetail, type DetailRow } from "./call-views";
import { asInputError } from "./time-range";
import { csvRow } from "./csv";
import type { CallCursor } from "./cursor";

const BATCH = 1000;

export const CSV_HEADER = [
  "id",
  "conversation_id",
  "started_at",
  "agent_id",
  "elevenlabs_agent_id",
  "agent_name",
  "status",
  "duration_seconds",
  "call_successful",
  "termination_reason",
  "cost_credits",
  "has_audio",
  "summary_title",
  "summary",
  "transcript",
];

function toCsvRow(row: DetailRow): string {
  const call = toCallDetail(row);
  const transcript = call.transcript.map((turn) => `${turn.role}: ${turn.message ?? ""}`).join("\n");
  return csvRow([
    call.id,
    call.conversationId,
    call.startedAt,
    call.agentId,
    call.elevenLabsAgentId,
    call.agentName,
    call.status,
    call.durationSeconds,
    call.callSuccessful,
    call.terminationReason,
    call.costCredits,
    call.hasAudio,
    call.summaryTitle,
    call.summary,
    transcript,
  ]);
}

/**
 * Validates the filters and reads the first batch before any byte is sent, so bad input is a 400 and an unavailable
 * database a 503, not a truncated 200. The rest of the CSV is produced batch by batch as the caller consumes it.
 */
export async function exportCallLogsCsv(ctx: Ctx, filters: CallLogFilters): Promise<AsyncIterable<string>> {
  const resolved = resolveCallFilters(ctx, filters);
  let page: { rows: DetailRow[]; next: CallCursor | null };
  try {
    page = await fetchCallPage(ctx, detailColumns, resolved, undefined, BATCH);
  } catch (err) {
    throw asInputError(err);
  }
  return (async function* () {
    yield csvRow(CSV_HEADER);
    for (;;) {
      if (page.rows.length) yield page.rows.map(toCsvRow).join("");
      if (!page.next) return;
      page = await fetchCallPage(ctx, detailColumns, resolved, page.next, BATCH);
    }
  })();
}
