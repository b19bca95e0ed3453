/**
 * Retention (DESIGN.md §11) for one organization: deletes calls started, audio of calls started, and raw events
 * received before their cut-offs, in batches of BATCH rows (one short transaction each). Without audio storage,
 * every kept recording is due. The job that runs it for every organization is server/jobs/retention.ts.
 */
import { eq, sql } from "drizzle-orm";
import type { RetentionStatus } from "@shared/governance-schemas";
import { organizations, type RetentionRunCounts } from "../../db/schema";
import type { TenantDb } from "../../db/tenant";
import type { Ctx } from "../context";
import { deleteAudioBatch, deleteCallsBatch, deleteRawEventsBatch, startedBefore } from "./delete-calls";

const BATCH = 500;
/** One run stops an organization's work after this many batches; the next run goes on where it stopped. */
const MAX_BATCHES_PER_KIND = 2_000;
const DAY_MS = 86_400_000;

export type RetentionPolicy = {
  id: string;
  retentionCallsDays: number | null;
  retentionAudioDays: number | null;
  retentionRawEventsDays: number | null;
  storeAudio: boolean;
};

export type Cutoffs = { calls: Date | null; audio: Date | null; rawEvents: Date | null; allAudio: boolean };

export function cutoffsOf(policy: Omit<RetentionPolicy, "id">, now: Date): Cutoffs {
  const before = (days: number | null) => (days === null ? null : new Date(now.getTime() - days * DAY_MS));
  return {
    calls: before(policy.retentionCallsDays),
    audio: before(policy.retentionAudioDays),
    rawEvents: before(policy.retentionRawEventsDays),
    allAudio: !policy.storeAudio,
  };
}

async function drain(run: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES_PER_KIND; i++) {
    const n = await run();
    total += n;
    if (n < BATCH) break;
  }
  return total;
}

/** One organization's retention work, on that tenant's handle (row-level security applies). */
export async function applyRetention(db: TenantDb, policy: RetentionPolicy, now: Date): Promise<RetentionRunCounts> {
  const cut = cutoffsOf(policy, now);
  let rawEvents = 0;
  let calls = 0;
  if (cut.calls) {
    const where = startedBefore(cut.calls);
    calls = await drain(async () => {
      const r = await deleteCallsBatch(db, policy.id, where, BATCH, "retention");
      rawEvents += r.rawEvents;
      return r.calls;
    });
  }
  const audioCutoff = cut.allAudio ? null : cut.audio;
  const audio = cut.allAudio || cut.audio ? await drain(() => deleteAudioBatch(db, policy.id, audioCutoff, BATCH)) : 0;
  if (cut.rawEvents) {
    const before = cut.rawEvents;
    rawEvents += await drain(() => deleteRawEventsBatch(db, policy.id, before, BATCH));
  }
  return { calls, audio, rawEvents };
}

const COUNT_CAP = 100_000;

/** What is past its cut-off now (what the next run will delete), and what the last run did: for the Settings page. */
export async function getRetentionStatus(ctx: Ctx): Promise<RetentionStatus> {
  const [org] = await ctx.db
    .select({
      retentionCallsDays: organizations.retentionCallsDays,
      retentionAudioDays: organizations.retentionAudioDays,
      retentionRawEventsDays: organizations.retentionRawEventsDays,
      storeAudio: organizations.storeAudio,
      lastRunAt: organizations.retentionLastRunAt,
      lastCounts: organizations.retentionLastCounts,
    })
    .from(organizations)
    .where(eq(organizations.id, ctx.organizationId));
  const cut = cutoffsOf(
    org ?? { retentionCallsDays: null, retentionAudioDays: null, retentionRawEventsDays: null, storeAudio: true },
    ctx.now(),
  );
  const org_ = ctx.organizationId;
  const capped = (inner: ReturnType<typeof sql>) => sql`(select count(*) from (${inner} limit ${COUNT_CAP}) x)::int`;
  const audioCondition = cut.allAudio || !cut.audio ? sql`` : sql`and ${startedBefore(cut.audio)}`;
  const result = await ctx.db.execute<{ calls: number; audio: number; raw_events: number }>(sql`
    select
      ${cut.calls ? capped(sql`select 1 from call_logs c where c.organization_id = ${org_}::uuid and ${startedBefore(cut.calls)}`) : sql`0`} as calls,
      ${
        cut.allAudio || cut.audio
          ? capped(sql`select 1 from call_audio a join call_logs c on c.id = a.call_log_id and c.organization_id = ${org_}::uuid where a.organization_id = ${org_}::uuid ${audioCondition}`)
          : sql`0`
      } as audio,
      ${cut.rawEvents ? capped(sql`select 1 from webhook_events where organization_id = ${org_}::uuid and received_at < ${cut.rawEvents.toISOString()}::timestamptz`) : sql`0`} as raw_events`);
  const due = result.rows[0];
  return {
    intervalSeconds: ctx.config.retentionIntervalSeconds,
    lastRunAt: org?.lastRunAt?.toISOString() ?? null,
    lastDeleted: org?.lastCounts ?? null,
    cutoffs: {
      calls: cut.calls?.toISOString() ?? null,
      audio: cut.allAudio ? ctx.now().toISOString() : (cut.audio?.toISOString() ?? null),
      rawEvents: cut.rawEvents?.toISOString() ?? null,
    },
    due: { calls: Number(due?.calls ?? 0), audio: Number(due?.audio ?? 0), rawEvents: Number(due?.raw_events ?? 0) },
    countCap: COUNT_CAP,
  };
}
