/**
 * One keyset page of an organization's calls, newest first: calls with a start time by (started_at desc, id desc)
 * on the (organization_id, started_at desc, id desc) index, then the few without a start time by id desc.
 */
import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { agents, callLogs } from "../../db/schema";
import { callSource } from "./call-source";
import type { Ctx } from "../context";
import type { CallCursor } from "./cursor";
import type { ResolvedCallFilters } from "./call-filters";
import type { DetailRow, SummaryRow } from "./call-views";

export const summaryColumns = {
  id: callLogs.id,
  conversationId: callLogs.conversationId,
  agentId: callLogs.agentId,
  elevenlabsAgentId: callLogs.elevenlabsAgentId,
  agentName: agents.name,
  status: callLogs.status,
  startedAt: callLogs.startedAt,
  durationSeconds: callLogs.durationSeconds,
  callSuccessful: callLogs.callSuccessful,
  summaryTitle: callLogs.summaryTitle,
  costCredits: callLogs.costCredits,
  hasAudio: callLogs.hasAudio,
  terminationReason: callLogs.terminationReason,
  direction: callLogs.direction,
  externalNumber: callLogs.externalNumber,
  criteriaPassed: callLogs.criteriaPassed,
  criteriaFailed: callLogs.criteriaFailed,
  criteriaTotal: callLogs.criteriaTotal,
  rating: callLogs.rating,
  hasToolError: callLogs.hasToolError,
  /** Replaced by a ts_headline when the page is a search (withSnippet). */
  snippet: sql<string | null>`null::text`,
  // Full microsecond precision for the cursor: a JS Date keeps only milliseconds.
  cursorStartedAt: sql<
    string | null
  >`to_char(${callLogs.startedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
};

export const detailColumns = {
  ...summaryColumns,
  summary: callLogs.summary,
  transcript: callLogs.transcript,
  analysis: callLogs.analysis,
  metadata: callLogs.metadata,
  agentNumber: callLogs.agentNumber,
  language: callLogs.language,
  details: callLogs.details,
  callCredits: callLogs.callCredits,
  llmCredits: callLogs.llmCredits,
  versionId: callLogs.versionId,
  branchId: callLogs.branchId,
};

/** Marks around the matching words in a snippet: unlikely in a transcript, and split out before it leaves the server. */
export const SNIPPET_START = "\u2039\u2039";
export const SNIPPET_STOP = "\u203a\u203a";

/**
 * Summary columns with the search's best-matching fragment of summary and transcript (ts_headline, computed for the
 * page's rows only).
 */
export function withSnippet(search: string | null): typeof summaryColumns {
  if (!search) return summaryColumns;
  const options = `StartSel=${SNIPPET_START}, StopSel=${SNIPPET_STOP}, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "`;
  return {
    ...summaryColumns,
    snippet: sql<string | null>`ts_headline('english',
      coalesce(${callLogs.summary}, '') || ' ' || coalesce((select string_agg(t ->> 'message', ' ') from jsonb_array_elements(${callLogs.transcript}) t), ''),
      websearch_to_tsquery('english', ${search}), ${options})`,
  };
}

type Columns = typeof summaryColumns | typeof detailColumns;
type RowOf<C extends Columns> = C extends typeof detailColumns ? DetailRow : SummaryRow;

function selectCalls(ctx: Ctx, columns: Columns) {
  return ctx.db
    .select(columns)
    .from(callLogs)
    .leftJoin(agents, and(eq(agents.id, callLogs.agentId), eq(agents.organizationId, ctx.organizationId)));
}

/**
 * With a search, the page's ids are picked from call_search (see call-source.ts) in a subquery, and the rows are read
 * from call_logs by primary key with every filter again, under the policy: one statement.
 */
function selectPage(ctx: Ctx, columns: Columns, filters: ResolvedCallFilters, where: SQL | undefined, order: SQL[], limit: number) {
  if (!filters.hasSearch)
    return selectCalls(ctx, columns)
      .where(where)
      .orderBy(...order)
      .limit(limit);
  const ids = ctx.db
    .select({ id: sql<string>`${callLogs.id}`.as("id") })
    .from(callSource(filters))
    .where(where)
    .orderBy(...order)
    .limit(limit);
  return selectCalls(ctx, columns)
    .where(and(where, inArray(callLogs.id, ids)))
    .orderBy(...order)
    .limit(limit);
}

/** Up to `limit` rows after `cursor`; `next` is the cursor of the last row when more may follow. */
export async function fetchCallPage<C extends Columns>(
  ctx: Ctx,
  columns: C,
  filters: ResolvedCallFilters,
  cursor: CallCursor | undefined,
  limit: number,
) {
  type Row = RowOf<C>;
  const want = limit + 1;
  // Spelled exactly like the indexes (drizzle declares them DESC NULLS LAST) so PostgreSQL walks them in order.
  const byStart = [sql`${callLogs.startedAt} desc nulls last`, sql`${callLogs.id} desc nulls last`];
  let rows: Row[];
  if (!cursor) {
    // The first page: one walk of the index gives the calls with a start time, then those without.
    rows = (await selectPage(ctx, columns, filters, filters.where, byStart, want)) as unknown as Row[];
  } else if (cursor.startedAt !== null) {
    const after = sql`(${callLogs.startedAt}, ${callLogs.id}) < (${cursor.startedAt}::timestamptz, ${cursor.id}::uuid)`;
    rows = (await selectPage(ctx, columns, filters, and(filters.where, after), byStart, want)) as unknown as Row[];
    if (rows.length < want && !filters.hasDateRange) rows = rows.concat(await withoutStart(undefined, want - rows.length));
  } else {
    rows = await withoutStart(sql`${callLogs.id} < ${cursor.id}::uuid`, want);
  }

  /** The calls without a start time (after the keyset ones), by id. */
  async function withoutStart(after: SQL | undefined, count: number): Promise<Row[]> {
    const where = and(filters.where, isNull(callLogs.startedAt), after);
    return (await selectPage(ctx, columns, filters, where, [sql`${callLogs.id} desc nulls last`], count)) as unknown as Row[];
  }
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next: CallCursor | null = rows.length > limit && last ? { startedAt: last.cursorStartedAt, id: last.id } : null;
  return { rows: page, next };
}
