/** Database rows to the API's CallLogSummary / CallLogDetail shapes. */
import type { CallLogDetail, CallLogSummary, TranscriptTurn } from "@shared/schemas";

/** What `summaryColumns` selects. */
export type SummaryRow = {
  id: string;
  conversationId: string;
  agentId: string | null;
  elevenlabsAgentId: string;
  agentName: string | null;
  status: string;
  startedAt: Date | null;
  durationSeconds: number | null;
  callSuccessful: "success" | "failure" | "unknown" | null;
  summaryTitle: string | null;
  costCredits: string | null;
  hasAudio: boolean;
  cursorStartedAt: string | null;
};
/** What `detailColumns` selects. */
export type DetailRow = SummaryRow & {
  summary: string | null;
  transcript: unknown;
  analysis: unknown;
  metadata: unknown;
  terminationReason: string | null;
};

function toNumber(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

export function toCallSummary(row: SummaryRow): CallLogSummary {
  return {
    id: row.id,
    conversationId: row.conversationId,
    agentId: row.agentId,
    elevenLabsAgentId: row.elevenlabsAgentId,
    agentName: row.agentName,
    status: row.status,
    startedAt: row.startedAt ? row.startedAt.toISOString() : null,
    durationSeconds: row.durationSeconds,
    callSuccessful: row.callSuccessful,
    summaryTitle: row.summaryTitle,
    costCredits: toNumber(row.costCredits),
    hasAudio: row.hasAudio,
  };
}

/** Transcript turns as stored (ElevenLabs' snake_case), defensively: older rows may hold odd shapes. */
export function toTranscript(value: unknown): TranscriptTurn[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((turn): turn is Record<string, unknown> => typeof turn === "object" && turn !== null)
    .map((turn) => ({
      role: typeof turn.role === "string" ? turn.role : "unknown",
      message: typeof turn.message === "string" ? turn.message : null,
      timeInCallSecs: typeof turn.time_in_call_secs === "number" ? turn.time_in_call_secs : null,
    }));
}

export function toCallDetail(row: DetailRow): CallLogDetail {
  return {
    ...toCallSummary(row),
    transcript: toTranscript(row.transcript),
    summary: row.summary,
    analysis: row.analysis ?? null,
    metadata: row.metadata ?? null,
    terminationReason: row.terminationReason,
  };
}
