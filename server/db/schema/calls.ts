import { getTableColumns, sql, type SQL } from "drizzle-orm";
import {
  bigint,
  pgView,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { agents } from "./integrations";
import { organizations } from "./organizations";
import { currentOrganization, tenantPolicy } from "./tenancy";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });
const bytea = customType<{ data: Buffer }>({ dataType: () => "bytea" });

/** ElevenLabs' per-turn latency metrics, converted from seconds to integer milliseconds. */
export type TurnMetricsRow = {
  llm_ttfb_ms: number | null;
  llm_ttf_sentence_ms: number | null;
  tts_ttfb_ms: number | null;
  asr_latency_ms: number | null;
};
export type ToolCallRow = { request_id: string | null; name: string; params: unknown };
export type ToolResultRow = { request_id: string | null; name: string; result: string | null; is_error: boolean; latency_ms: number | null };
/**
 * One turn as stored (snake_case, like ElevenLabs). The fields after time_in_call_secs came with issue 17: rows
 * written before it lack them (read as null) until `npm run calls:reproject` rebuilds them from the raw events.
 */
export type TranscriptTurnRow = {
  role: string;
  message: string | null;
  time_in_call_secs: number | null;
  interrupted?: boolean | null;
  tool_calls?: ToolCallRow[];
  tool_results?: ToolResultRow[];
  metrics?: TurnMetricsRow | null;
  llm_usage?: unknown;
  feedback?: unknown;
};

/** One contribution of a call to the quality rollups (server/services/quality-facts/quality-facts.ts). */
export type QualityFact = { k: string; x: string; b: number; n: number; t?: number };

/** What a call knows beyond its columns (kept as one jsonb: read on the detail page, never filtered). */
export type CallDetailsRow = {
  feedback_comment?: string | null;
  feedback_likes?: number | null;
  feedback_dislikes?: number | null;
  llm_price?: number | null;
  user_id?: string | null;
  call_sid?: string | null;
  phone_type?: string | null;
};

export const callLogs = pgTable(
  "call_logs",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    agentId: uuid().references(() => agents.id, { onDelete: "set null" }),
    elevenlabsAgentId: text().notNull(),
    conversationId: text().notNull(),
    status: text().notNull(),
    startedAt: timestamp({ withTimezone: true }),
    durationSeconds: integer(),
    callSuccessful: text({ enum: ["success", "failure", "unknown"] }),
    terminationReason: text(),
    summaryTitle: text(),
    summary: text(),
    transcript: jsonb().$type<TranscriptTurnRow[]>(),
    analysis: jsonb(),
    metadata: jsonb(),
    costCredits: numeric({ precision: 14, scale: 2 }),
    hasAudio: boolean().notNull().default(false),
    // Issue 17: the full call record. Columns for what History filters on or analytics aggregate; `details` for the rest.
    direction: text({ enum: ["inbound", "outbound"] }),
    agentNumber: text(),
    externalNumber: text(),
    language: text(),
    rating: smallint(),
    versionId: text(),
    branchId: text(),
    callCredits: numeric({ precision: 14, scale: 2 }),
    llmCredits: numeric({ precision: 14, scale: 2 }),
    hasToolError: boolean(),
    criteriaPassed: smallint(),
    criteriaFailed: smallint(),
    criteriaTotal: smallint(),
    details: jsonb().$type<CallDetailsRow>(),
    /** This call's share of call_quality_rollups, so a merge can take back exactly what it added. */
    qualityFacts: jsonb().$type<QualityFact[]>(),
    source: text({ enum: ["webhook", "sync"] }).notNull(),
    /**
     * Per field, the event time (ms since epoch) of the event whose value the row holds: the projector lets a later
     * event win whatever the arrival order (docs/decisions/007). Null for rows written before the inbox.
     */
    fieldTimes: jsonb().$type<Record<string, number>>(),
    search: tsvector().generatedAlwaysAs(
      (): SQL =>
        sql`to_tsvector('english'::regconfig, coalesce(summary_title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(jsonb_path_query_array(transcript, '$[*].message')::text, ''))`,
    ),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("call_logs_org_conversation_key").on(t.organizationId, t.conversationId),
    // INCLUDE (elevenlabs_agent_id, duration_seconds, call_successful, cost_credits): index-only analytics over
    // partial hours (docs/benchmarks.md). Drizzle's index builder has no INCLUDE; drizzle-kit writes an expression
    // column verbatim inside the column list's parentheses, so the last "column" closes the key list and opens INCLUDE.
    // Generated and pushed alike; tests/integration/schema-push.test.ts compares the result with the migrations'.
    index("call_logs_org_started_idx").using(
      "btree",
      t.organizationId,
      t.startedAt.desc(),
      sql`${sql.identifier("id")} DESC NULLS LAST) INCLUDE (${sql.identifier("elevenlabs_agent_id")}, ${sql.identifier("duration_seconds")}, ${sql.identifier("call_successful")}, ${sql.identifier("cost_credits")}`,
    ),
    index("call_logs_org_agent_started_idx").on(t.organizationId, t.agentId, t.startedAt.desc(), t.id.desc()),
    index("call_logs_org_elevenlabs_agent_idx").on(t.organizationId, t.elevenlabsAgentId),
    // History filters people use for rare rows ("failed calls", "failures"): keyset order within the filter value,
    // so a page never walks every call of the organization to find 25 matches.
    index("call_logs_org_status_started_idx").on(t.organizationId, t.status, t.startedAt.desc(), t.id.desc()),
    index("call_logs_org_success_started_idx").on(t.organizationId, t.callSuccessful, t.startedAt.desc(), t.id.desc()),
    index("call_logs_org_duration_idx").on(t.organizationId, t.durationSeconds),
    index("call_logs_search_idx").using("gin", t.search),
    // History's phone filter ("calls from this number") and "calls with a tool error", in keyset order.
    index("call_logs_org_external_number_idx").on(t.organizationId, t.externalNumber, t.startedAt.desc(), t.id.desc()),
    index("call_logs_org_tool_error_idx")
      .on(t.organizationId, t.startedAt.desc(), t.id.desc())
      .where(sql`has_tool_error`),
    tenantPolicy("call_logs", t.organizationId),
  ],
).enableRLS();

export const callAudio = pgTable(
  "call_audio",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    callLogId: uuid()
      .primaryKey()
      .references(() => callLogs.id, { onDelete: "cascade" }),
    contentType: text().notNull().default("audio/mpeg"),
    /** Recordings fetched from ElevenLabs; null when the bytes are in call_audio_chunks under `eventId`. */
    bytes: bytea(),
    /** The post_call_audio delivery whose chunks (call_audio_chunks) are this recording. */
    eventId: uuid(),
    size: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("call_audio_organization_idx").on(t.organizationId), tenantPolicy("call_audio", t.organizationId)],
).enableRLS();

/**
 * Per organization, agent and UTC hour: keeps analytics over a year of calls fast. A bucket may be split over a few
 * `shard` rows (summed by every reader): concurrent ingestion adds to whichever row of its bucket is not locked,
 * instead of queueing on one row until each writer commits (docs/decisions/006). The rebuild folds them to shard 0.
 */
export const callHourlyRollups = pgTable(
  "call_hourly_rollups",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    elevenlabsAgentId: text().notNull(),
    hour: timestamp({ withTimezone: true }).notNull(),
    shard: smallint().notNull().default(0),
    calls: integer().notNull().default(0),
    durationSeconds: bigint({ mode: "number" }).notNull().default(0),
    successCalls: integer().notNull().default(0),
    failureCalls: integer().notNull().default(0),
    durationCalls: integer().notNull().default(0),
    costCredits: numeric({ precision: 18, scale: 2 }).notNull().default("0"),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.hour, t.elevenlabsAgentId, t.shard] }),
    // Every column, so analytics read the rollups by index-only scans: an organization's hours are scattered over
    // the heap (rows are created hour by hour for every organization), and a year of days read one heap page per
    // row (docs/benchmarks.md). Rollup updates are no longer HOT; ingestion pays one more index entry per call.
    index("call_hourly_rollups_covering_idx").on(
      t.organizationId,
      t.hour,
      t.elevenlabsAgentId,
      t.calls,
      t.durationSeconds,
      t.successCalls,
      t.failureCalls,
      t.durationCalls,
      t.costCredits,
    ),
    tenantPolicy("call_hourly_rollups", t.organizationId),
  ],
).enableRLS();

/**
 * The same usage as call_hourly_rollups per quarter of an hour (hourly = the sum of its four quarters). Read only
 * for the hours a local midnight cuts (zones at :30 or :45, like Asia/Kolkata and Asia/Kathmandu) and the
 * quarter-aligned edges of a range, so those come from a few thousand rows instead of 1/24 of all calls
 * (docs/decisions/005). Written with its hour's row, on the same shard, and rebuilt with it.
 */
export const callQuarterRollups = pgTable(
  "call_quarter_rollups",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    elevenlabsAgentId: text().notNull(),
    quarter: timestamp({ withTimezone: true }).notNull(),
    shard: smallint().notNull().default(0),
    calls: integer().notNull().default(0),
    durationSeconds: bigint({ mode: "number" }).notNull().default(0),
    successCalls: integer().notNull().default(0),
    failureCalls: integer().notNull().default(0),
    durationCalls: integer().notNull().default(0),
    costCredits: numeric({ precision: 18, scale: 2 }).notNull().default("0"),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.quarter, t.elevenlabsAgentId, t.shard] }),
    // Every column, for index-only scans (as call_hourly_rollups_covering_idx).
    index("call_quarter_rollups_covering_idx").on(
      t.organizationId,
      t.quarter,
      t.elevenlabsAgentId,
      t.calls,
      t.durationSeconds,
      t.successCalls,
      t.failureCalls,
      t.durationCalls,
      t.costCredits,
    ),
    tenantPolicy("call_quarter_rollups", t.organizationId),
  ],
).enableRLS();

export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid().references(() => organizations.id, { onDelete: "cascade" }),
    type: text(),
    conversationId: text(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    signatureOk: boolean().notNull(),
    processedAt: timestamp({ withTimezone: true }),
    error: text(),
    payload: jsonb(),
    /** Where the fact came from: a verified webhook delivery, or the conversation detail that sync fetched. */
    source: text({ enum: ["webhook", "sync"] }).notNull().default("webhook"),
    /**
     * pending: waiting for the projector; processed; failed (after its retries, `error` says why); ignored (verified
     * but nothing to build: unknown type). The default is for rows of instances that still projected before the 200.
     */
    state: text({ enum: ["pending", "processed", "failed", "ignored"] }).notNull().default("processed"),
    /** event_timestamp of a delivery, the fetch time of a sync: later events win field by field. */
    eventAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("webhook_events_org_received_idx").on(t.organizationId, t.receivedAt.desc()),
    // Deleting a call deletes its raw events (DESIGN.md §11).
    index("webhook_events_org_conversation_idx").on(t.organizationId, t.conversationId),
    // The projector's queue: only pending rows are in it, so it stays small however long raw events are kept.
    index("webhook_events_pending_idx")
      .on(t.nextAttemptAt.asc().nullsFirst(), t.receivedAt)
      .where(sql`state = 'pending'`),
    tenantPolicy("webhook_events", t.organizationId),
  ],
).enableRLS();

/**
 * The bytes of a post_call_audio delivery, written in fixed-size pieces while the request streams in, in the same
 * transaction as its inbox row (DESIGN.md §8). Every piece but the last holds exactly AUDIO_CHUNK_BYTES.
 */
export const callAudioChunks = pgTable(
  "call_audio_chunks",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    eventId: uuid().notNull(),
    seq: integer().notNull(),
    bytes: bytea().notNull(),
  },
  // Written and read by the ingestion path as the owner; the tenant role holds no grant on it (decision 003).
  (t) => [primaryKey({ columns: [t.eventId, t.seq] }), tenantPolicy("call_audio_chunks", t.organizationId)],
).enableRLS();


/**
 * Quality pre-aggregates (issue 17): per organization, agent and UTC hour, counts of one kind of fact: a latency
 * histogram bucket (LLM TTFB per version, TTS TTFB, tool latency per tool), tool calls and errors, evaluation results,
 * termination reasons, call durations, calls and credits per version. `k` kind, `x` key, `b` bucket, `n` count,
 * `t` a sum (credits). Kept by the same merge as call_hourly_rollups, split over the same shards, rebuilt by
 * rollups:rebuild from call_logs.quality_facts (docs/decisions/010).
 */
export const callQualityRollups = pgTable(
  "call_quality_rollups",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    hour: timestamp({ withTimezone: true }).notNull(),
    elevenlabsAgentId: text().notNull(),
    kind: text().notNull(),
    key: text().notNull(),
    bucket: smallint().notNull(),
    shard: smallint().notNull().default(0),
    n: bigint({ mode: "number" }).notNull().default(0),
    total: numeric({ precision: 18, scale: 2 }).notNull().default("0"),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.hour, t.elevenlabsAgentId, t.kind, t.key, t.bucket, t.shard] }),
    tenantPolicy("call_quality_rollups", t.organizationId),
  ],
).enableRLS();

/**
 * Quality pre-aggregates per local day and month in the organization's zone (organizations.quality_days_zone), for
 * the Quality page over long ranges (docs/decisions/010). `period` 'day' or 'month' (`day` is then the month's first
 * day): per agent, the call facts of call_quality_rollups; 'series' (agent ''): per day, only what the page draws per
 * day (LLM TTFB over every version, TTS TTFB, evaluation results) summed over the organization's agents, under the
 * kinds of SERIES (server/services/quality-facts/quality-days.ts). Kept by the same merge as the hourly rows.
 */
export const callQualityDays = pgTable(
  "call_quality_days",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    period: text({ enum: ["day", "month", "series"] }).notNull(),
    day: date({ mode: "string" }).notNull(),
    elevenlabsAgentId: text().notNull(),
    kind: text().notNull(),
    key: text().notNull(),
    bucket: smallint().notNull(),
    shard: smallint().notNull().default(0),
    n: bigint({ mode: "number" }).notNull().default(0),
    total: numeric({ precision: 18, scale: 2 }).notNull().default("0"),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.period, t.day, t.elevenlabsAgentId, t.kind, t.key, t.bucket, t.shard] }),
    tenantPolicy("call_quality_days", t.organizationId),
  ],
).enableRLS();

/**
 * The current organization's calls, for full-text search. `@@` is not LEAKPROOF, so under row-level security
 * PostgreSQL applies it row by row after the policy and never through the GIN index (a scan of every organization's
 * calls). This view is owned by the owner and filters by the transaction's organization itself, so the tenant role
 * searches through the index and still sees one organization (server/services/calls/call-source.ts, decision 003).
 * Not a security barrier on purpose: a barrier would keep `@@` above the filter again. It lists every column of
 * call_logs, by name in declaration order, so a new column changes its definition and drizzle-kit re-creates it.
 */
const everyCallLogColumn = sql.join(
  Object.keys(getTableColumns(callLogs)).map((key) => sql.identifier(key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))),
  sql`, `,
);

export const callSearch = pgView("call_search", {
  id: uuid().notNull(),
  organizationId: uuid().notNull(),
}).as(sql`select ${everyCallLogColumn} from call_logs where organization_id = ${currentOrganization}`);
