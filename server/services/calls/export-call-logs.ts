/** CSV export of the History filter, produced in keyset batches so memory stays flat however many calls match. */
import { sql } from "drizzle-orm";
import type { CallLogDetail, CallLogFilters } from "@shared/schemas";
import type { Ctx } from "../context";
import { resolveCallFilters, type ResolvedCallFilters } from "./call-filters";
import { detailColumns, fetchCallPage } from "./call-page";
import { callSource } from "./call-source";
import { toCallDetail, type DetailRow, type ViewOptions } from "./call-views";
import { asInputError } from "./time-range";
import { csvRow } from "./csv";
import type { CallCursor } from "./cursor";
import { masksPhones } from "./phone-mask";

const BATCH = 1000;
/** Columns per criterion and per data-collection item are capped: a spreadsheet, not a database dump. */
const MAX_KEY_COLUMNS = 100;

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
  "direction",
  "agent_number",
  "external_number",
  "language",
  "rating",
  "feedback_comment",
  "version_id",
  "branch_id",
  "call_credits",
  "llm_credits",
  "llm_ttfb_p50_ms",
  "tts_ttfb_p50_ms",
  "has_tool_error",
  "criteria_passed",
  "criteria_failed",
  "criteria_total",
];

type KeyColumns = { criteria: string[]; data: string[] };

function entry(analysis: unknown, group: string, key: string): Record<string, unknown> | null {
  const g = (analysis as Record<string, unknown> | null)?.[group] as Record<string, unknown> | undefined;
  const value = g?.[key];
  return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
}

function cellOf(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

function toCsvRow(row: DetailRow, keys: KeyColumns, options: ViewOptions): string {
  const call: CallLogDetail = toCallDetail(row, options);
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
    call.direction,
    call.agentNumber,
    call.externalNumber,
    call.language,
    call.feedback.rating,
    call.feedback.comment,
    call.versionId,
    call.branchId,
    call.charging.callCredits,
    call.charging.llmCredits,
    call.latency.llmTtfbMsP50,
    call.latency.ttsTtfbMsP50,
    call.hasToolError,
    call.criteria?.passed,
    call.criteria?.failed,
    call.criteria?.total,
    ...keys.criteria.map((k) => cellOf(entry(call.analysis, "evaluation_criteria_results", k)?.result)),
    ...keys.data.map((k) => cellOf(entry(call.analysis, "data_collection_results", k)?.value)),
  ]);
}

/** The criterion and data-collection ids present in the filtered calls: one column each. */
async function keyColumns(ctx: Ctx, filters: ResolvedCallFilters): Promise<KeyColumns> {
  const keys = (group: string) =>
    ctx.db.execute<{ key: string }>(sql`
      select distinct k as key from ${callSource(filters)}
      cross join lateral jsonb_object_keys(case when jsonb_typeof(analysis -> ${group}::text) = 'object' then analysis -> ${group}::text else '{}'::jsonb end) k
      where ${filters.where} order by 1 limit ${MAX_KEY_COLUMNS}`);
  const [criteria, data] = await Promise.all([keys("evaluation_criteria_results"), keys("data_collection_results")]);
  return { criteria: criteria.rows.map((r) => r.key), data: data.rows.map((r) => r.key) };
}

/**
 * Validates the filters and reads the first batch before any byte is sent, so bad input is a 400 and an unavailable
 * database a 503, not a truncated 200. The rest of the CSV is produced batch by batch as the caller consumes it.
 */
export async function exportCallLogsCsv(ctx: Ctx, filters: CallLogFilters): Promise<AsyncIterable<string>> {
  const resolved = await resolveCallFilters(ctx, filters);
  const options = { maskPhones: await masksPhones(ctx) };
  let page: { rows: DetailRow[]; next: CallCursor | null };
  let keys: KeyColumns;
  try {
    [page, keys] = await Promise.all([fetchCallPage(ctx, detailColumns, resolved, undefined, BATCH), keyColumns(ctx, resolved)]);
  } catch (err) {
    throw asInputError(err);
  }
  return (async function* () {
    yield csvRow([...CSV_HEADER, ...keys.criteria.map((k) => `criterion:${k}`), ...keys.data.map((k) => `data:${k}`)]);
    for (;;) {
      if (page.rows.length) yield page.rows.map((row) => toCsvRow(row, keys, options)).join("");
      if (!page.next) return;
      page = await fetchCallPage(ctx, detailColumns, resolved, page.next, BATCH);
    }
  })();
}
