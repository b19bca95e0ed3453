/**
 * The retention job (DESIGN.md §11): for every organization with a retention setting, deletes calls started, audio of
 * calls started, and raw events received before their cut-offs, in batches of BATCH rows (one short transaction
 * each), and records when it ran and what it deleted. Without audio storage, every kept recording is due.
 */
import { and, eq, isNotNull, or, sql } from "drizzle-orm";
import type { RetentionStatus } from "@shared/governance-schemas";
import type { Db } from "../../db/client";
import { organizations, type RetentionRunCounts } from "../../db/schema";
import { tenantDb } from "../../db/tenant";
import type { AppDeps, Ctx } from "../../lib/context";
import type { Logger } from "../../lib/logger";
import { deleteAudioBatch, deleteCallsBatch, deleteRawEventsBatch } from "./delete-calls";

const BATCH = 500;
/** One run stops an organization's work after this many batches; the next run goes on where it stopped. */
const MAX_BATCHES_PER_KIND = 2_000;
const DAY_MS = 86_400_000;

type Policy = {
  id: string;
  retentionCallsDays: number | null;
  retentionAudioDays: number | null;
  retentionRawEventsDays: number | null;
  storeAudio: boolean;
};

export type Cutoffs = { calls: Date | null; audio: Date | null; rawEvents: Date | null; allAudio: boolean };

export function cutoffsOf(policy: Omit<Policy, "id">, now: Date): Cutoffs {
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

/** One organization's retention work; runs as that tenant (row-level security applies). */
export async function applyRetention(deps: Pick<AppDeps, "db" | "now">, policy: Policy): Promise<RetentionRunCounts> {
  const db = tenantDb(deps.db, policy.id);
  const cut = cutoffsOf(policy, deps.now());
  let rawEvents = 0;
  let calls = 0;
  if (cut.calls) {
    const before = cut.calls.toISOString();
    const where = sql`c.started_at < ${before}::timestamptz`;
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

/** Every organization that has something to expire. */
async function policies(db: Db, organizationId?: string): Promise<Policy[]> {
  const due = or(
    isNotNull(organizations.retentionCallsDays),
    isNotNull(organizations.retentionAudioDays),
    isNotNull(organizations.retentionRawEventsDays),
    eq(organizations.storeAudio, false),
  );
  return db
    .select({
      id: organizations.id,
      retentionCallsDays: organizations.retentionCallsDays,
      retentionAudioDays: organizations.retentionAudioDays,
      retentionRawEventsDays: organizations.retentionRawEventsDays,
      storeAudio: organizations.storeAudio,
    })
    .from(organizations)
    .where(organizationId ? and(due, eq(organizations.id, organizationId)) : due);
}

/** The job: every organization in turn (or one), each recorded as it finishes. */
export async function runRetention(
  deps: Pick<AppDeps, "db" | "now"> & { log: Logger },
  organizationId?: string,
): Promise<RetentionRunCounts> {
  const total: RetentionRunCounts = { calls: 0, audio: 0, rawEvents: 0 };
  for (const policy of await policies(deps.db, organizationId)) {
    try {
      const counts = await applyRetention(deps, policy);
      await deps.db
        .update(organizations)
        .set({ retentionLastRunAt: deps.now(), retentionLastCounts: counts })
        .where(eq(organizations.id, policy.id));
      total.calls += counts.calls;
      total.audio += counts.audio;
      total.rawEvents += counts.rawEvents;
      if (counts.calls + counts.audio + counts.rawEvents > 0) deps.log.info({ organizationId: policy.id, ...counts }, "retention deleted data");
    } catch (err) {
      // One organization's failure does not stop the others; the next run tries again.
      deps.log.error({ err, organizationId: policy.id }, "retention failed for an organization");
    }
  }
  return total;
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
    ctx.deps.now(),
  );
  const org_ = ctx.organizationId;
  const capped = (inner: ReturnType<typeof sql>) => sql`(select count(*) from (${inner} limit ${COUNT_CAP}) x)::int`;
  const audioCondition = cut.allAudio ? sql`` : sql`and c.started_at < ${cut.audio?.toISOString() ?? null}::timestamptz`;
  const result = await ctx.db.execute<{ calls: number; audio: number; raw_events: number }>(sql`
    select
      ${cut.calls ? capped(sql`select 1 from call_logs where organization_id = ${org_}::uuid and started_at < ${cut.calls.toISOString()}::timestamptz`) : sql`0`} as calls,
      ${
        cut.allAudio || cut.audio
          ? capped(sql`select 1 from call_audio a join call_logs c on c.id = a.call_log_id and c.organization_id = ${org_}::uuid where a.organization_id = ${org_}::uuid ${audioCondition}`)
          : sql`0`
      } as audio,
      ${cut.rawEvents ? capped(sql`select 1 from webhook_events where organization_id = ${org_}::uuid and received_at < ${cut.rawEvents.toISOString()}::timestamptz`) : sql`0`} as raw_events`);
  const due = result.rows[0];
  return {
    intervalSeconds: ctx.deps.env.retentionIntervalSeconds,
    lastRunAt: org?.lastRunAt?.toISOString() ?? null,
    lastDeleted: org?.lastCounts ?? null,
    cutoffs: {
      calls: cut.calls?.toISOString() ?? null,
      audio: cut.allAudio ? ctx.deps.now().toISOString() : (cut.audio?.toISOString() ?? null),
      rawEvents: cut.rawEvents?.toISOString() ?? null,
    },
    due: { calls: Number(due?.calls ?? 0), audio: Number(due?.audio ?? 0), rawEvents: Number(due?.raw_events ?? 0) },
    countCap: COUNT_CAP,
  };
}
