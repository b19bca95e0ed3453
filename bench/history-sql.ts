/**
 * The History list as hand-written SQL: the same shape as the API's query (filters, keyset, order, limit, agent join)
 * and the same columns, with the search snippet the API returns for a search.
 */
export type HistoryParams = {
  organizationId: string;
  agentId?: string;
  /** ISO instants. */
  from?: string;
  to?: string;
  status?: string;
  success?: "success" | "failure" | "unknown";
  q?: string;
  minDuration?: number;
  maxDuration?: number;
  /** Keyset position: the last row of the previous page. */
  after?: { startedAt: string; id: string };
  limit: number;
};

export function historySql(p: HistoryParams): { text: string; values: unknown[] } {
  const values: unknown[] = [p.organizationId];
  const where = ["c.organization_id = $1", "c.started_at is not null"];
  const add = (cond: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(cond(`$${values.length}`));
  };
  if (p.agentId) add((n) => `c.agent_id = ${n}::uuid`, p.agentId);
  if (p.from) add((n) => `c.started_at >= ${n}::timestamptz`, p.from);
  if (p.to) add((n) => `c.started_at < ${n}::timestamptz`, p.to);
  if (p.status) add((n) => `c.status = ${n}`, p.status);
  if (p.success) add((n) => `c.call_successful = ${n}`, p.success);
  if (p.minDuration !== undefined) add((n) => `c.duration_seconds >= ${n}`, p.minDuration);
  if (p.maxDuration !== undefined) add((n) => `c.duration_seconds <= ${n}`, p.maxDuration);
  if (p.q) add((n) => `c.search @@ websearch_to_tsquery('english', ${n})`, p.q);
  if (p.after) {
    values.push(p.after.startedAt, p.after.id);
    where.push(`(c.started_at, c.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  // What the API returns for a search: the best-matching fragments of summary and transcript (ts_headline).
  let snippet = "null::text";
  if (p.q) {
    values.push(p.q);
    snippet = `ts_headline('english',
      coalesce(c.summary, '') || ' ' || coalesce((select string_agg(t ->> 'message', ' ') from jsonb_array_elements(c.transcript) t), ''),
      websearch_to_tsquery('english', $${values.length}),
      'StartSel=<<, StopSel=>>, MaxWords=24, MinWords=10, MaxFragments=2, FragmentDelimiter=" … "')`;
  }
  values.push(p.limit + 1);
  const text = `
    select c.id, c.conversation_id, c.agent_id, c.elevenlabs_agent_id, a.name as agent_name, c.status, c.started_at,
           c.duration_seconds, c.call_successful, c.summary_title, c.cost_credits, c.has_audio,
           c.termination_reason, c.direction, c.external_number, c.criteria_passed, c.criteria_failed, c.criteria_total,
           c.rating, c.has_tool_error, ${snippet} as snippet,
           to_char(c.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_started_at
    from call_logs c
    left join agents a on a.id = c.agent_id and a.organization_id = $1
    where ${where.join(" and ")}
    order by c.started_at desc nulls last, c.id desc nulls last
    limit $${values.length}`;
  return { text, values };
}
