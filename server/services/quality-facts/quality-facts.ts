/**
 * A call's contribution to call_quality_rollups, as a pure function of its merged row: the one definition that
 * ingestion adds (and takes back on a change), that rollups:rebuild sums from call_logs.quality_facts, and that
 * the quality analytics read from call_logs for partial hours. Facts with the same kind, key and bucket are summed,
 * and the list is sorted, so two computations of the same call compare equal.
 */
import type { QualityFact, TranscriptTurnRow } from "../../db/schema/calls";
import { durationBucket, latencyBucket } from "./latency-buckets";

export const FACT = {
  /** LLM time to first byte per turn, keyed by version id ('' for none). */
  llmTtfb: "llm",
  /** TTS time to first byte per turn. */
  ttsTtfb: "tts",
  /** Tool latency per tool result, keyed by tool name. */
  toolLatency: "tool",
  /** Tool invocations (bucket 0) and errors (bucket 1), keyed by tool name. */
  toolCalls: "toolcall",
  /** Evaluation results keyed by criterion id: bucket 0 success, 1 failure, 2 anything else. */
  criterion: "crit",
  /** Calls per termination reason ('' for none). */
  termination: "term",
  /** Calls per duration bucket (DURATION_EDGES). */
  duration: "dur",
  /** Per version id: bucket 0 calls (t = credits), 1 successes, 2 failures. */
  version: "ver",
} as const;

export const MAX_FACT_KEY = 200;

export type QualityInput = {
  startedAt: Date | null;
  durationSeconds: number | null;
  callSuccessful: string | null;
  terminationReason: string | null;
  transcript: unknown;
  analysis: unknown;
  versionId: string | null;
  costCredits: string | null;
};

function turnsOf(transcript: unknown): TranscriptTurnRow[] {
  return Array.isArray(transcript) ? (transcript.filter((t) => t && typeof t === "object") as TranscriptTurnRow[]) : [];
}

function isNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

export function qualityFacts(call: QualityInput): QualityFact[] {
  if (!call.startedAt) return [];
  const sums = new Map<string, QualityFact>();
  const add = (k: string, key: string, b: number, n = 1, t = 0) => {
    const x = key.slice(0, MAX_FACT_KEY);
    const id = `${k}\u0000${x}\u0000${b}`;
    const fact = sums.get(id);
    if (fact) {
      fact.n += n;
      if (t) fact.t = Math.round(((fact.t ?? 0) + t) * 100) / 100;
    } else sums.set(id, t ? { k, x, b, n, t } : { k, x, b, n });
  };
  const version = call.versionId ?? "";
  const invoked = new Set<string>();
  for (const turn of turnsOf(call.transcript)) {
    const m = turn.metrics;
    if (m && isNumber(m.llm_ttfb_ms)) add(FACT.llmTtfb, version, latencyBucket(m.llm_ttfb_ms));
    if (m && isNumber(m.tts_ttfb_ms)) add(FACT.ttsTtfb, "", latencyBucket(m.tts_ttfb_ms));
    for (const c of turn.tool_calls ?? []) {
      add(FACT.toolCalls, c.name, 0);
      if (c.request_id) invoked.add(c.request_id);
    }
    for (const r of turn.tool_results ?? []) {
      // A result without its call in the transcript still counts as an invocation.
      if (!r.request_id || !invoked.has(r.request_id)) add(FACT.toolCalls, r.name, 0);
      if (r.is_error) add(FACT.toolCalls, r.name, 1);
      if (isNumber(r.latency_ms)) add(FACT.toolLatency, r.name, latencyBucket(r.latency_ms));
    }
  }
  const analysis = call.analysis && typeof call.analysis === "object" ? (call.analysis as Record<string, unknown>) : null;
  const results = analysis?.evaluation_criteria_results;
  if (results && typeof results === "object")
    for (const [id, value] of Object.entries(results as Record<string, unknown>)) {
      const result = (value as { result?: unknown } | null)?.result;
      add(FACT.criterion, id, result === "success" ? 0 : result === "failure" ? 1 : 2);
    }
  add(FACT.termination, call.terminationReason ?? "", 0);
  if (call.durationSeconds !== null) add(FACT.duration, "", durationBucket(call.durationSeconds));
  add(FACT.version, version, 0, 1, Number(call.costCredits ?? 0));
  if (call.callSuccessful === "success") add(FACT.version, version, 1);
  if (call.callSuccessful === "failure") add(FACT.version, version, 2);
  return [...sums.values()].sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.x < b.x ? -1 : a.x > b.x ? 1 : a.b - b.b));
}

/** Compared field by field: jsonb gives the objects back with their keys reordered. */
export function sameFacts(a: QualityFact[] | null, b: QualityFact[] | null): boolean {
  const line = (facts: QualityFact[] | null) => (facts ?? []).map((f) => `${f.k}\u0000${f.x}\u0000${f.b}\u0000${f.n}\u0000${f.t ?? 0}`).join("\n");
  return line(a) === line(b);
}
