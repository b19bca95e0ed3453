/** Database rows to the API's CallLogSummary / CallLogDetail shapes (DESIGN.md §5, §9). */
import type { CallLogDetail, CallLogSummary, TranscriptTurn } from "@shared/schemas";
import type { CallDetailsRow } from "../../db/schema/calls";
import { SNIPPET_START, SNIPPET_STOP } from "./call-page";
import { maskPhone, maskPhonesDeep, maskPhonesInText } from "./phone-mask";

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
  terminationReason: string | null;
  direction: "inbound" | "outbound" | null;
  externalNumber: string | null;
  criteriaPassed: number | null;
  criteriaFailed: number | null;
  criteriaTotal: number | null;
  rating: number | null;
  hasToolError: boolean | null;
  snippet: string | null;
  cursorStartedAt: string | null;
};
/** What `detailColumns` selects. */
export type DetailRow = SummaryRow & {
  summary: string | null;
  transcript: unknown;
  analysis: unknown;
  metadata: unknown;
  agentNumber: string | null;
  language: string | null;
  details: CallDetailsRow | null;
  callCredits: string | null;
  llmCredits: string | null;
  versionId: string | null;
  branchId: string | null;
};

/** How a caller reads phone numbers: as stored, or masked (viewers, DESIGN.md §9). */
export type ViewOptions = { maskPhones: boolean };

function toNumber(value: string | number | null): number | null {
  return value === null ? null : Number(value);
}

function phoneOf(value: string | null, options: ViewOptions): string | null {
  return value !== null && options.maskPhones ? maskPhone(value) : value;
}

/** ts_headline's text with its marks, as pieces. */
export function snippetPieces(snippet: string | null): CallLogSummary["snippet"] {
  if (snippet === null) return null;
  const pieces: NonNullable<CallLogSummary["snippet"]> = [];
  for (const [i, part] of snippet.split(SNIPPET_START).entries()) {
    if (i === 0) {
      if (part) pieces.push({ text: part, match: false });
      continue;
    }
    const [match, rest] = part.split(SNIPPET_STOP);
    if (match) pieces.push({ text: match, match: true });
    if (rest) pieces.push({ text: rest, match: false });
  }
  return pieces;
}

export function toCallSummary(row: SummaryRow, options: ViewOptions): CallLogSummary {
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
    terminationReason: row.terminationReason,
    direction: row.direction,
    externalNumber: phoneOf(row.externalNumber, options),
    criteria:
      row.criteriaTotal === null
        ? null
        : { passed: row.criteriaPassed ?? 0, failed: row.criteriaFailed ?? 0, total: row.criteriaTotal },
    rating: row.rating,
    hasToolError: row.hasToolError,
    snippet: snippetPieces(options.maskPhones && row.snippet ? maskPhonesInText(row.snippet) : row.snippet),
  };
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function objects(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null) : [];
}

/** Transcript turns as stored (ElevenLabs' snake_case), defensively: older rows lack the per-turn fields (null). */
export function toTranscript(value: unknown): TranscriptTurn[] {
  return objects(value).map((turn) => {
    const metrics = (typeof turn.metrics === "object" && turn.metrics !== null ? turn.metrics : {}) as Record<string, unknown>;
    return {
      role: typeof turn.role === "string" ? turn.role : "unknown",
      message: str(turn.message),
      timeInCallSecs: num(turn.time_in_call_secs),
      interrupted: typeof turn.interrupted === "boolean" ? turn.interrupted : null,
      toolCalls: objects(turn.tool_calls).map((c) => ({ name: str(c.name) ?? "unknown", params: c.params ?? null })),
      toolResults: objects(turn.tool_results).map((r) => ({
        name: str(r.name) ?? "unknown",
        result: str(r.result),
        isError: r.is_error === true,
        latencyMs: num(r.latency_ms),
      })),
      metrics: {
        llmTtfbMs: num(metrics.llm_ttfb_ms),
        llmTtfSentenceMs: num(metrics.llm_ttf_sentence_ms),
        ttsTtfbMs: num(metrics.tts_ttfb_ms),
        asrLatencyMs: num(metrics.asr_latency_ms),
      },
      llmUsage: turn.llm_usage ?? null,
    };
  });
}

/** The median like percentile_cont(0.5); null without values. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)] + sorted[Math.ceil(mid)]) / 2;
}

/** A viewer's transcript: numbers in messages, tool params and results masked too. */
function maskedTranscript(turns: TranscriptTurn[]): TranscriptTurn[] {
  return turns.map((turn) => ({
    ...turn,
    message: turn.message === null ? null : maskPhonesInText(turn.message),
    toolCalls: turn.toolCalls.map((c) => ({ ...c, params: maskPhonesDeep(c.params) })),
    toolResults: turn.toolResults.map((r) => ({ ...r, result: r.result === null ? null : maskPhonesInText(r.result) })),
  }));
}

export function toCallDetail(row: DetailRow, options: ViewOptions): CallLogDetail {
  const stored = toTranscript(row.transcript);
  const transcript = options.maskPhones ? maskedTranscript(stored) : stored;
  const values = (pick: (t: TranscriptTurn) => number | null) => transcript.map(pick).filter((v): v is number => v !== null);
  const details = row.details ?? {};
  return {
    ...toCallSummary(row, options),
    transcript,
    summary: row.summary !== null && options.maskPhones ? maskPhonesInText(row.summary) : row.summary,
    analysis: options.maskPhones ? maskPhonesDeep(row.analysis ?? null) : (row.analysis ?? null),
    metadata: options.maskPhones ? maskPhonesDeep(row.metadata ?? null) : (row.metadata ?? null),
    agentNumber: phoneOf(row.agentNumber, options),
    language: row.language,
    feedback: { rating: row.rating, comment: details.feedback_comment ?? null },
    charging: { callCredits: toNumber(row.callCredits), llmCredits: toNumber(row.llmCredits), llmPrice: details.llm_price ?? null },
    versionId: row.versionId,
    branchId: row.branchId,
    latency: {
      llmTtfbMsP50: median(values((t) => t.metrics.llmTtfbMs)),
      ttsTtfbMsP50: median(values((t) => t.metrics.ttsTtfbMs)),
    },
  };
}
