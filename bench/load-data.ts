/**
 * Bulk loader: realistic calls generated inside PostgreSQL with generate_series (no rows cross the wire, which is
 * faster than COPY from the client). Secondary indexes are dropped for the load and rebuilt once afterwards, then
 * the hourly rollups are rebuilt and the table vacuumed and analyzed: the steady state of a busy organization.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { Db } from "../server/db/client";
import { rebuildRollups } from "../server/services/analytics/rollups";

/** Phrases the transcripts, titles and summaries are drawn from. Rare words let search be measured at two selectivities. */
const AGENT_LINES = [
  "Hello, thanks for calling. How can I help you today?",
  "Sure, can you give me the order number please?",
  "Thanks. Your order shipped yesterday and arrives on Friday.",
  "I can help with that. What is the new delivery address?",
  "I have updated the appointment for next Tuesday at ten.",
  "Your subscription renews on the first of the month.",
  "I have issued a refund to the original payment method.",
  "Let me transfer you to a specialist for billing questions.",
  "Is there anything else I can help you with today?",
  "Thank you for calling, have a great day.",
];
const USER_LINES = [
  "Hi, I would like to check the status of my order.",
  "It is A-1042, I ordered it last week.",
  "Great, can I change the delivery address?",
  "Twelve Harbour Street in Leeds please.",
  "I need to reschedule my appointment with the dentist.",
  "Why was I charged twice on my credit card?",
  "I want to cancel my subscription.",
  "The package arrived damaged and I want a replacement.",
  "No, that is all. Thank you!",
  "Can you tell me your opening hours on Sunday?",
];
const TITLES = [
  "Order status",
  "Address change",
  "Appointment rescheduled",
  "Billing question",
  "Refund request",
  "Cancellation",
  "Damaged delivery",
  "Opening hours",
];
/** In 1 call of RARE_EVERY: a rare, searchable phrase. */
export const RARE_PHRASE = "warranty claim for a broken blender";
const RARE_EVERY = 500;

const LOADED_TABLES = ["call_logs", "call_hourly_rollups", "call_quality_rollups", "call_quality_days"];

/** Turns per call whose latency the quality facts count (issue 17: 20 turns, 10 of them the agent's). */
export const QUALITY_TURNS = 20;
export const QUALITY_VERSIONS = ["ver_a", "ver_b", "ver_c"];

export type LoadedOrg = { id: string; calls: number; agentIds: string[]; elevenlabsAgentIds: string[]; withQuality?: boolean };

/** latencyBucket (server/services/quality-facts/latency-buckets.ts) in SQL: exact below 64 ms, then ratio 1.08. */
const bucketSql = (ms: string) => `(case when ${ms} < 64 then ${ms} else least(200, 64 + floor(ln(${ms}::float8 / 64) / ln(1.08) + 1e-9)::int) end)`;

/**
 * A call's quality facts (server/services/quality-facts/quality-facts.ts) generated in SQL, the same shape ingestion
 * stores: LLM and TTS time to first byte for each of the agent's 10 turns (a long tail: one turn in 40 is slow),
 * tool invocations, errors and latency, two evaluation criteria, termination, duration bucket and the version's
 * calls, credits and outcomes. Summed per (kind, key, bucket) like qualityFacts.
 */
function qualityFactsSql(): string {
  const version = `(${sqlArray(QUALITY_VERSIONS)})[1 + g % ${QUALITY_VERSIONS.length}]`;
  return `(
      select jsonb_agg(case when t is null then jsonb_build_object('k', k, 'x', x, 'b', b, 'n', n)
                            else jsonb_build_object('k', k, 'x', x, 'b', b, 'n', n, 't', t) end order by k, x, b)
      from (
        select k, x, b, sum(n)::int as n, sum(t) as t from (
          select 'llm' as k, ${version} as x, ${bucketSql("(case when (g + t) % 40 = 0 then 2500 + (g * 7 + t * 13) % 4000 else 180 + (g * 31 + t * 17) % 900 end)")} as b, 1 as n, null::numeric as t
          from generate_series(1, ${QUALITY_TURNS / 2}) as t
          union all
          select 'tts', '', ${bucketSql("(90 + (g * 13 + t * 29) % 400)")}, 1, null from generate_series(1, ${QUALITY_TURNS / 2}) as t
          union all
          select 'toolcall', 'lookup_order', 0, 1, null where g % 2 = 0
          union all
          select 'toolcall', 'lookup_order', 1, 1, null where g % 2 = 0 and g % 20 = 0
          union all
          select 'tool', 'lookup_order', ${bucketSql("(120 + (g * 11) % 2400)")}, 1, null where g % 2 = 0
          union all
          select 'toolcall', 'book_appointment', 0, 1, null where g % 5 = 0
          union all
          select 'tool', 'book_appointment', ${bucketSql("(300 + (g * 3) % 1200)")}, 1, null where g % 5 = 0
          union all
          select 'crit', 'resolved', case when g % 20 < 16 then 0 when g % 20 < 19 then 1 else 2 end, 1, null
          union all
          select 'crit', 'polite', case when g % 50 = 0 then 1 else 0 end, 1, null
          union all
          select 'term', 'end_call tool was called', 0, 1, null
          union all
          select 'dur', '', case when d >= 1200 then 6 when d >= 600 then 5 when d >= 300 then 4 when d >= 120 then 3 when d >= 60 then 2 when d >= 30 then 1 else 0 end, 1, null where g % 101 <> 0
          union all
          select 'ver', ${version}, 0, 1, (d * 5)::numeric
          union all
          select 'ver', ${version}, 1, 1, null where g % 20 < 16
          union all
          select 'ver', ${version}, 2, 1, null where g % 20 >= 16 and g % 20 < 19
        ) f
        group by k, x, b
      ) s
    )`;
}

function sqlArray(values: string[]): string {
  return `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]`;
}

export async function createOrganization(pool: pg.Pool, name: string): Promise<string> {
  const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomBytes(3).toString("hex")}`;
  const { rows } = await pool.query<{ id: string }>(
    "insert into organizations (name, slug, webhook_token) values ($1, $2, $3) returning id",
    [name, slug, randomBytes(24).toString("base64url")],
  );
  return rows[0].id;
}

export async function createAgents(
  pool: pg.Pool,
  organizationId: string,
  count: number,
  prefix: string,
): Promise<{ ids: string[]; elevenlabsIds: string[] }> {
  const ids: string[] = [];
  const elevenlabsIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const el = `agent_${prefix}_${i}`;
    const { rows } = await pool.query<{ id: string }>(
      "insert into agents (organization_id, elevenlabs_agent_id, name) values ($1, $2, $3) returning id",
      [organizationId, el, `Bench agent ${prefix} ${i}`],
    );
    ids.push(rows[0].id);
    elevenlabsIds.push(el);
  }
  return { ids, elevenlabsIds };
}

/** Inserts calls [first, last] of an organization, spread over `days` days ending now. */
function insertChunkSql(
  org: LoadedOrg,
  prefix: string,
  first: number,
  last: number,
  total: number,
  days: number,
): string {
  const k = org.agentIds.length;
  return `
    insert into call_logs (organization_id, agent_id, elevenlabs_agent_id, conversation_id, status, started_at, duration_seconds,
      call_successful, termination_reason, summary_title, summary, transcript, analysis, metadata, cost_credits, has_audio, source,
      created_at, updated_at, version_id, quality_facts)
    select '${org.id}'::uuid,
      (${sqlArray(org.agentIds)}::uuid[])[1 + g % ${k}],
      (${sqlArray(org.elevenlabsAgentIds)})[1 + g % ${k}],
      'conv_${prefix}_' || g,
      case when g % 53 = 0 then 'failed' when g % 211 = 0 then 'processing' else 'done' end,
      case when g % 997 = 0 then null else st end,
      case when g % 101 = 0 then null else d end,
      case when g % 20 < 16 then 'success' when g % 20 < 19 then 'failure' else 'unknown' end,
      'end_call tool was called',
      (${sqlArray(TITLES)})[1 + g % ${TITLES.length}],
      'The caller asked about ' || lower((${sqlArray(TITLES)})[1 + g % ${TITLES.length}]) || ' and the agent resolved it.',
      tr.transcript,
      jsonb_build_object('call_successful', case when g % 20 < 16 then 'success' when g % 20 < 19 then 'failure' else 'unknown' end,
        'data_collection_results', jsonb_build_object('order_id', jsonb_build_object('value', 'A-' || (g % 10000)))),
      jsonb_build_object('start_time_unix_secs', extract(epoch from st)::bigint, 'call_duration_secs', d, 'main_language', 'en',
        'phone_call', jsonb_build_object('direction', case when g % 3 = 0 then 'outbound' else 'inbound' end, 'external_number', '+1415555' || lpad((g % 10000)::text, 4, '0'))),
      (d * 5)::numeric(14, 2),
      g % 4 = 0,
      case when g % 10 = 0 then 'sync' else 'webhook' end,
      st + interval '5 minutes',
      st + interval '5 minutes',
      ${org.withQuality ? `(${sqlArray(QUALITY_VERSIONS)})[1 + g % ${QUALITY_VERSIONS.length}]` : "null"},
      ${org.withQuality ? `case when g % 997 = 0 then null else ${qualityFactsSql()} end` : "null"}
    from generate_series(${first}, ${last}) as g
    cross join lateral (select now() - ((g + random()) / ${total}) * interval '${days} days' as st, 10 + (g::bigint * 7919 % 590)::int as d) v
    cross join lateral (
      select jsonb_agg(jsonb_build_object(
               'role', case when t % 2 = 0 then 'agent' else 'user' end,
               'message', case when t = 3 and g % ${RARE_EVERY} = 0 then 'I have a ${RARE_PHRASE}.'
                               when t % 2 = 0 then (${sqlArray(AGENT_LINES)})[1 + (g + t * 3) % ${AGENT_LINES.length}]
                               else (${sqlArray(USER_LINES)})[1 + (g * 3 + t) % ${USER_LINES.length}] end,
               'time_in_call_secs', t * d / 10) order by t) as transcript
      from generate_series(0, 9) as t
    ) tr`;
}

async function pooled<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

export type LoadTimings = {
  insertSeconds: number;
  indexSeconds: number;
  rollupSeconds: number;
  vacuumSeconds: number;
  rows: number;
  tableMb: number;
};

export async function loadCalls(
  db: Db,
  orgs: Array<LoadedOrg & { prefix: string }>,
  days: number,
  log: (m: string) => void,
): Promise<LoadTimings> {
  const pool = db.$client;
  const t0 = performance.now();
  // Every secondary index of call_logs (whatever the migrations declare today), rebuilt once after the load.
  const { rows: defs } = await pool.query<{ indexname: string; indexdef: string }>(
    `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = 'call_logs'
       and indexname not in (select conname from pg_constraint where conrelid = 'call_logs'::regclass)`,
  );
  for (const { indexname } of defs) await pool.query(`drop index if exists "${indexname}"`);
  // No autovacuum during the load: it would compete with the inserts and index builds, and the VACUUM below is
  // what leaves every page all-visible (the steady state of old calls, read by index-only scans).
  for (const table of LOADED_TABLES) await pool.query(`alter table ${table} set (autovacuum_enabled = false)`);
  await pool.query("alter table call_logs drop constraint if exists call_logs_org_conversation_key");

  const CHUNK = 50_000;
  const chunks: Array<{ org: LoadedOrg & { prefix: string }; first: number; last: number }> = [];
  for (const org of orgs)
    for (let first = 1; first <= org.calls; first += CHUNK)
      chunks.push({ org, first, last: Math.min(org.calls, first + CHUNK - 1) });
  let done = 0;
  const total = chunks.reduce((s, c) => s + c.last - c.first + 1, 0);
  // Two writers: the machine has two cores and PostgreSQL spends its time building rows and tsvectors.
  await pooled(chunks, 2, async ({ org, first, last }) => {
    const client = await pool.connect();
    try {
      await client.query("set synchronous_commit = off");
      await client.query(insertChunkSql(org, org.prefix, first, last, org.calls, days));
    } finally {
      // Not left on the pooled connection: a VACUUM right after an asynchronous commit cannot set the hint bits,
      // so it leaves the pages not all-visible (no index-only scans for the rollups rebuilt on this connection).
      await client.query("reset synchronous_commit").catch(() => {});
      client.release();
    }
    done += last - first + 1;
    if (done % 200_000 < CHUNK) log(`  loaded ${done.toLocaleString("en")} / ${total.toLocaleString("en")} calls`);
  });
  const t1 = performance.now();
  log("  rebuilding indexes");
  const indexClient = await pool.connect();
  try {
    await indexClient.query("set maintenance_work_mem = '256MB'");
    await indexClient.query("set max_parallel_maintenance_workers = 1");
    await indexClient.query(
      "alter table call_logs add constraint call_logs_org_conversation_key unique (organization_id, conversation_id)",
    );
    for (const { indexdef } of defs) await indexClient.query(indexdef);
  } finally {
    indexClient.release();
  }
  const t2 = performance.now();
  log("  rebuilding hourly rollups");
  await rebuildRollups(db);
  const t3 = performance.now();
  log("  vacuum analyze");
  await pool.query("vacuum analyze call_logs");
  await pool.query("vacuum analyze call_hourly_rollups");
  await pool.query("vacuum analyze call_quality_rollups");
  await pool.query("vacuum analyze call_quality_days");
  await pool.query("analyze");
  for (const table of LOADED_TABLES) await pool.query(`alter table ${table} reset (autovacuum_enabled)`);
  const { rows: vm } = await pool.query<{ relname: string; pages: number; visible: number }>(
    "select relname, relpages as pages, relallvisible as visible from pg_class where relname = any($1)",
    [LOADED_TABLES],
  );
  log(`  all-visible pages: ${vm.map((r) => `${r.relname} ${r.visible}/${r.pages}`).join(", ")}`);
  const t4 = performance.now();
  const { rows: size } = await pool.query<{ mb: number }>(
    "select pg_total_relation_size('call_logs') / 1048576.0 as mb",
  );
  return {
    insertSeconds: (t1 - t0) / 1000,
    indexSeconds: (t2 - t1) / 1000,
    rollupSeconds: (t3 - t2) / 1000,
    vacuumSeconds: (t4 - t3) / 1000,
    rows: total,
    tableMb: Math.round(Number(size[0].mb)),
  };
}
