/** ElevenLabs conversation shapes -> call_logs columns. Every field is optional: sources know different things. */
import type { CallDetailsRow, ToolCallRow, ToolResultRow, TranscriptTurnRow, TurnMetricsRow } from "../../db/schema/calls";
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
  direction?: "inbound" | "outbound" | null;
  agentNumber?: string | null;
  externalNumber?: string | null;
  language?: string | null;
  rating?: number | null;
  versionId?: string | null;
  branchId?: string | null;
  callCredits?: string | null;
  llmCredits?: string | null;
  hasToolError?: boolean | null;
  criteriaPassed?: number | null;
  criteriaFailed?: number | null;
  criteriaTotal?: number | null;
  details?: CallDetailsRow | null;
};

/**
 * The CallFields that map one-to-one onto call_logs columns of the same name (camelCase). Listed once, so the merge
 * (upsert-call.ts) and any replay carry every field the normalizer learns.
 */
export const CALL_FIELD_COLUMNS = [
  "status",
  "startedAt",
  "durationSeconds",
  "callSuccessful",
  "terminationReason",
  "summaryTitle",
  "summary",
  "transcript",
  "analysis",
  "metadata",
  "costCredits",
  "hasAudio",
  "direction",
  "agentNumber",
  "externalNumber",
  "language",
  "rating",
  "versionId",
  "branchId",
  "callCredits",
  "llmCredits",
  "hasToolError",
  "criteriaPassed",
  "criteriaFailed",
  "criteriaTotal",
  "details",
] as const satisfies ReadonlyArray<keyof CallFields>;

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

/** ElevenLabs seconds -> integer milliseconds (null when absent or nonsense). */
function ms(value: unknown): number | null {
  const secs = finite(value);
  return secs === null || secs < 0 || secs > 86_400 ? null : Math.round(secs * 1000);
}

function elapsedMs(metrics: Record<string, unknown> | null, name: string): number | null {
  return ms(record(metrics?.[name])?.elapsed_time);
}

/** A tool's params arrive as a JSON string: kept parsed when they parse, else as the string. */
function params(value: unknown): unknown {
  if (typeof value !== "string") return value ?? null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value.slice(0, MAX_TEXT);
  }
}

function resultText(value: unknown): string | null {
  if (typeof value === "string") return value.slice(0, MAX_TEXT);
  if (value === null || value === undefined) return null;
  return JSON.stringify(value).slice(0, MAX_TEXT);
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record).filter((v): v is Record<string, unknown> => v !== null) : [];
}

function toTurn(turn: Record<string, unknown>): TranscriptTurnRow {
  const metrics = record(record(turn.conversation_turn_metrics)?.metrics);
  const turnMetrics: TurnMetricsRow | null = metrics
    ? {
        llm_ttfb_ms: elapsedMs(metrics, "convai_llm_service_ttfb"),
        llm_ttf_sentence_ms: elapsedMs(metrics, "convai_llm_service_ttf_sentence"),
        tts_ttfb_ms: elapsedMs(metrics, "convai_tts_service_ttfb"),
        asr_latency_ms: elapsedMs(metrics, "convai_asr_trailing_service_latency"),
      }
    : null;
  const toolCalls: ToolCallRow[] = list(turn.tool_calls).map((c) => ({
    request_id: text(c.request_id, 200),
    name: text(c.tool_name, 200) ?? "unknown",
    params: params(c.params_as_json),
  }));
  const toolResults: ToolResultRow[] = list(turn.tool_results).map((r) => ({
    request_id: text(r.request_id, 200),
    name: text(r.tool_name, 200) ?? "unknown",
    result: resultText(r.result_value),
    is_error: r.is_error === true,
    latency_ms: ms(r.tool_latency_secs),
  }));
  return {
    role: typeof turn.role === "string" ? turn.role : "unknown",
    message: typeof turn.message === "string" ? turn.message.slice(0, MAX_TEXT) : null,
    time_in_call_secs: finite(turn.time_in_call_secs),
    interrupted: typeof turn.interrupted === "boolean" ? turn.interrupted : null,
    tool_calls: toolCalls,
    tool_results: toolResults,
    metrics: turnMetrics,
    llm_usage: record(turn.llm_usage),
    feedback: turn.feedback ?? null,
  };
}

/** Evaluation results counted: `total` is every result, `unknown` included (DESIGN.md §9). */
function criteriaCounts(analysis: Record<string, unknown> | null) {
  const results = record(analysis?.evaluation_criteria_results);
  if (!results) return { passed: null, failed: null, total: null };
  let passed = 0;
  let failed = 0;
  let total = 0;
  for (const value of Object.values(results)) {
    const result = record(value)?.result;
    total++;
    if (result === "success") passed++;
    else if (result === "failure") failed++;
  }
  return { passed, failed, total };
}

const E164 = /^\+?[0-9]{3,20}$/;
function phone(value: unknown): string | null {
  const s = text(value, 40)?.replace(/[\s()-]/g, "");
  return s && E164.test(s) ? s : null;
}

function rating(feedback: Record<string, unknown> | null): number | null {
  const r = finite(feedback?.rating);
  return r !== null && r >= 1 && r <= 5 ? Math.round(r) : null;
}

function firstAgentMetadata(turns: Record<string, unknown>[], key: string): string | null {
  for (const turn of turns) {
    const value = text(record(turn.agent_metadata)?.[key], 200);
    if (value) return value;
  }
  return null;
}

/** From the conversation detail (GET /v1/convai/conversations/:id, or a post_call_transcription's data). */
export function fromDetail(detail: ConversationDetail): CallFields {
  const metadata = record(detail.metadata);
  const analysis = record(detail.analysis);
  const rawTurns = list(detail.transcript);
  const transcript = rawTurns.map(toTurn);
  const phoneCall = record(metadata?.phone_call);
  const charging = record(metadata?.charging);
  const feedback = record(metadata?.feedback);
  const criteria = criteriaCounts(analysis);
  const direction = phoneCall?.direction;
  const top = detail as Record<string, unknown>;
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
    direction: direction === "inbound" || direction === "outbound" ? direction : null,
    agentNumber: phone(phoneCall?.agent_number),
    externalNumber: phone(phoneCall?.external_number),
    language: text(metadata?.main_language, 20),
    rating: rating(feedback),
    versionId: text(top.version_id, 200) ?? firstAgentMetadata(rawTurns, "version_id"),
    branchId: text(top.branch_id, 200) ?? firstAgentMetadata(rawTurns, "branch_id"),
    callCredits: credits(charging?.call_charge),
    llmCredits: credits(charging?.llm_charge),
    hasToolError: detail.transcript ? transcript.some((t) => t.tool_results?.some((r) => r.is_error)) : null,
    criteriaPassed: criteria.passed,
    criteriaFailed: criteria.failed,
    criteriaTotal: criteria.total,
    details: {
      feedback_comment: text(feedback?.comment, 5000),
      feedback_likes: finite(feedback?.likes),
      feedback_dislikes: finite(feedback?.dislikes),
      llm_price: finite(charging?.llm_price),
      user_id: text(top.user_id, 200),
      call_sid: text(phoneCall?.call_sid, 200),
      phone_type: text(phoneCall?.type, 100),
    },
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
