/**
 * The retention job (DESIGN.md §11, decision 012): every organization with something to expire, in turn, each on its
 * own tenant handle; when it finished and what it deleted is recorded for the Settings page.
 */
import { and, eq, isNotNull, or, sql } from "drizzle-orm";
import type { AppDeps } from "../deps";
import { organizations, type RetentionRunCounts } from "../db/schema";
import { applyRetention, type RetentionPolicy } from "../services/retention/run-retention";
import { rebuildQualityDays } from "../services/quality-facts/quality-days";

async function policies(deps: Pick<AppDeps, "db">, organizationId?: string): Promise<RetentionPolicy[]> {
  const due = or(
    isNotNull(organizations.retentionCallsDays),
    isNotNull(organizations.retentionAudioDays),
    isNotNull(organizations.retentionRawEventsDays),
    eq(organizations.storeAudio, false),
  );
  return deps.db
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

export async function runRetention(deps: Pick<AppDeps, "db" | "tenantDb" | "now" | "log">, organizationId?: string): Promise<RetentionRunCounts> {
  const total: RetentionRunCounts = { calls: 0, audio: 0, rawEvents: 0 };
  for (const policy of await policies(deps, organizationId)) {
    try {
      const counts = await applyRetention(deps.tenantDb(policy.id), policy, deps.now());
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

/**
 * Rebuilds call_quality_days of every organization whose rows are in another zone than its own (docs/decisions/010):
 * a time zone change rebuilds them at once, and this catches a rebuild that did not finish. Until then the Quality page
 * reads the hourly rows, which are right in every zone.
 */
export async function reconcileQualityDays(deps: Pick<AppDeps, "db" | "tenantDb" | "log">): Promise<void> {
  const stale = await deps.db
    .select({ id: organizations.id })
    .from(organizations)
    .where(sql`${organizations.qualityDaysZone} is distinct from ${organizations.timeZone}`);
  for (const { id } of stale) {
    try {
      await rebuildQualityDays(deps.tenantDb(id), id);
      deps.log.info({ organizationId: id }, "quality days rebuilt in the organization's time zone");
    } catch (err) {
      deps.log.error({ err, organizationId: id }, "quality days rebuild failed");
    }
  }
}
