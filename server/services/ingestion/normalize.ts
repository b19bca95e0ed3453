/** ElevenLabs conversation shapes -> call_logs columns. Every field is optional: sources know different things. */
import type { TranscriptTurnRow } from "../../db/schema/calls";
import type { ConversationDetail, ConversationListItem } from "../../elevenlabs/types";

export type CallFields = {
  elevenlabsAgentId: string;
  conversationId: string;
  status?: string | null;
  startedAt?: Date | null;
  durationSeconds?: number | null;
  callSuccessful?: "success" | "failure" | "unknown" | null;
  terminationReason?: string | null;
  summaryTitle?: string | null;
  summary?: string | null;
  transcript?: TranscriptTurnRow[] | null;
  analysis?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
  costCredits?: string | null;
  hasAudio?: boolean;
};

const STATUSES = new Set(["initiated", "in-progress", "processing", "done", "failed"]);
/** A later state never gives way to an earlier one, whatever order events arrive in. */
export const STATUS_RANK: Record<string, number> = { initiated: 1, "in-progress": 2, processing: 3, done: 4, failed: 4 };

const MAX_TEXT = 20_000;

function record(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown, max = MAX_TEXT): string | null {
  return typeof value === "string" && value.length > 0 ? value.slice(0, max) : null;
}

function finite(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function status(value: unknown): string | null {
  return typeof value === "string" && STATUSES.has(value) ? value : null;
}

function outcome(value: unknown): CallFields["callSuccessful"] {
  return value === "success" || value === "failure" || value === "unknown" ? value : null;
}

function unixToDate(value: unknown): Date | null {
  const secs = finite(value);
  if (secs === null || secs < 0 || secs > 32503680000) return null;
  return new Date(Math.round(secs * 1000));
}

function duration(value: unknown): number | null {
  const secs = finite(value);
  return secs === null || secs < 0 ? null : Math.min(Math.round(secs), 2_147_483_647);
}

function credits(value: unknown): string | null {
  const n = finite(value);
  return n === null || n < 0 || n > 1e12 ? null : n.toFixed(2);
}

/** From the conversation detail (GET /v1/convai/conversations/:id, or a post_call_transcription's data). */
export function fromDetail(detail: ConversationDetail): CallFields {
  const metadata = record(detail.metadata);
  const analysis = record(detail.analysis);
  const transcript = (detail.transcript ?? []).map((turn) => ({
    role: turn.role,
    message: typeof turn.message === "string" ? turn.message.slice(0, MAX_TEXT) : null,
    time_in_call_secs: finite(turn.time_in_call_secs),
  }));
  return {
    elevenlabsAgentId: detail.agent_id,
    conversationId: detail.conversation_id,
    status: status(detail.status),
    startedAt: unixToDate(metadata?.start_time_unix_secs),
    durationSeconds: duration(metadata?.call_duration_secs),
    callSuccessful: outcome(analysis?.call_successful),
    terminationReason: text(metadata?.termination_reason, 1000),
    summaryTitle: text(analysis?.call_summary_title, 500),
    summary: text(analysis?.transcript_summary),
    transcript: detail.transcript ? transcript : null,
    analysis: analysis
      ? {
          evaluation_criteria_results: record(analysis.evaluation_criteria_results) ?? {},
          data_collection_results: record(analysis.data_collection_results) ?? {},
        }
      : null,
    metadata,
    costCredits: credits(metadata?.cost),
    hasAudio: detail.has_audio === true ? true : undefined,
  };
}

/** From a row of GET /v1/convai/conversations: enough for a placeholder until the detail is fetched. */
export function fromListItem(item: ConversationListItem): CallFields {
  return {
    elevenlabsAgentId: item.agent_id,
    conversationId: item.conversation_id,
    status: status(item.status),
    startedAt: unixToDate(item.start_time_unix_secs),
    durationSeconds: duration(item.call_duration_secs),
    callSuccessful: outcome(item.call_successful),
    summaryTitle: text(item.call_summary_title, 500),
    summary: text(item.transcript_summary),
  };
}

/** A call_initiation_failure: the call never started; stored as failed with its reason. */
export function fromInitiationFailure(data: Record<string, unknown>): CallFields | null {
  const agentId = text(data.agent_id, 128);
  const conversationId = text(data.conversation_id, 128);
  if (!agentId || !conversationId) return null;
  const metadata = record(data.metadata);
  return {
    elevenlabsAgentId: agentId,
    conversationId,
    status: "failed",
    startedAt: unixToDate(metadata?.start_time_unix_secs ?? metadata?.timestamp),
    terminationReason: text(data.failure_reason, 1000) ?? "call initiation failed",
    metadata,
  };
}
