/** CSV export of the History filter, produced in keyset batches so memory stays flat however many calls match. */
import type { CallLogFilters } from "@shared/schemas";
import type { Ctx } from "../../lib/context";
import { resolveCallFilters } from "./call-filters";
import { detailColumns, fetchCallPage } from "./call-page";
import { toCallDetail } from "./call-views";
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

/** Validates the filters now (so bad input is a 400 before any byte is sent) and returns the CSV as chunks. */
export function exportCallLogsCsv(ctx: Ctx, filters: CallLogFilters): AsyncIterable<string> {
  const resolved = resolveCallFilters(ctx, filters);
  return (async function* () {
    yield csvRow(CSV_HEADER);
    let cursor: CallCursor | undefined;
    for (;;) {
      const { rows, next } = await fetchCallPage(ctx, detailColumns, resolved, cursor, BATCH);
      let chunk = "";
      for (const row of rows) {
        const call = toCallDetail(row);
        const transcript = call.transcript.map((turn) => `${turn.role}: ${turn.message ?? ""}`).join("\n");
        chunk += csvRow([
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
      if (chunk) yield chunk;
      if (!next) return;
      cursor = next;
    }
  })();
}
