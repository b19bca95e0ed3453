/** Background work on pg-boss (the queue lives in the same PostgreSQL, so any number of app instances share it). */
import PgBoss from "pg-boss";
import type { AppDeps } from "../deps";
import { ADVISORY_LOCKS, withAdvisoryLock } from "../db/migrate";
import { agentsOfOrganization, agentsToSync, syncAgent, SyncRetryLater } from "../services/sync/sync-agent";
import { runRetention } from "./retention";
import { startProjector } from "../services/ingestion/projector";
import type { Jobs, SyncJob } from "./types";

export type RunningJobs = Jobs & { stop(): Promise<void> };

const SYNC_QUEUE = "sync-agent";
const TICK_QUEUE = "sync-tick";
/** Data retention (DESIGN.md §11): one run at a time across all instances. */
const RETENTION_QUEUE = "retention";
const WORKERS = 2;

/** Cron for "every N seconds", at minute granularity (pg-boss schedules by cron). */
export function cronFor(intervalSeconds: number): string {
  const minutes = Math.max(1, Math.round(intervalSeconds / 60));
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = Math.min(24, Math.round(minutes / 60));
  return hours >= 24 ? "0 0 * * *" : `0 */${hours} * * *`;
}

export async function startJobs(deps: Omit<AppDeps, "jobs"> & { databaseUrl: string }): Promise<RunningJobs> {
  const boss = new PgBoss({ connectionString: deps.databaseUrl, schema: "pgboss", max: 4 });
  boss.on("error", (err) => deps.log.error({ err }, "job queue error"));
  // pg-boss installs its schema at start and creating a queue is not safe to race: instances started together take
  // turns (the same lock as the migrations).
  await withAdvisoryLock(deps.db.$client, ADVISORY_LOCKS.startup, async () => {
    await boss.start();
    // "stately": at most one queued and one running sync per agent, however often it is requested.
    await boss.createQueue(SYNC_QUEUE, { name: SYNC_QUEUE, policy: "stately", retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInMinutes: 60 });
    await boss.createQueue(TICK_QUEUE, { name: TICK_QUEUE, policy: "singleton", retryLimit: 0 });
    await boss.createQueue(RETENTION_QUEUE, { name: RETENTION_QUEUE, policy: "singleton", retryLimit: 1, expireInMinutes: 60 });
  });

  const enqueueOne = async (job: SyncJob & { agentId: string }, startAfterSeconds?: number) => {
    await boss.send(SYNC_QUEUE, job, { singletonKey: job.agentId, ...(startAfterSeconds ? { startAfter: startAfterSeconds } : {}) });
  };
  const jobs: Jobs = {
    async enqueueSync(job) {
      if (job.agentId) return enqueueOne({ ...job, agentId: job.agentId });
      for (const agentId of await agentsOfOrganization(deps, job.organizationId)) await enqueueOne({ ...job, agentId });
    },
  };
  const fullDeps: AppDeps = { ...deps, jobs };

  for (let i = 0; i < WORKERS; i++) {
    await boss.work<SyncJob & { agentId: string }>(SYNC_QUEUE, { batchSize: 1 }, async ([job]) => {
      try {
        const result = await syncAgent(fullDeps, job.data);
        deps.log.info({ agentId: job.data.agentId, mode: job.data.mode, ...result }, "sync finished");
      } catch (err) {
        if (err instanceof SyncRetryLater) deps.log.warn({ agentId: job.data.agentId, retryAfterSeconds: err.retryAfterSeconds }, "sync postponed");
        throw err; // pg-boss retries with backoff
      }
    });
  }
  await boss.work(TICK_QUEUE, async () => {
    for (const a of await agentsToSync(fullDeps)) await enqueueOne({ organizationId: a.organizationId, agentId: a.agentId, mode: "incremental" });
  });
  if (deps.env.syncIntervalSeconds > 0) await boss.schedule(TICK_QUEUE, cronFor(deps.env.syncIntervalSeconds));
  else await boss.unschedule(TICK_QUEUE).catch(() => {});
  // The inbox projector (docs/decisions/007): starts by draining whatever a previous process acknowledged but did
  // not project (a crash between the 200 and the projection loses nothing).
  const projector = deps.env.projector ? startProjector(deps) : null;

  await boss.work(RETENTION_QUEUE, async () => {
    const deleted = await runRetention(deps);
    deps.log.info(deleted, "retention finished");
  });
  if (deps.env.retentionIntervalSeconds > 0) await boss.schedule(RETENTION_QUEUE, cronFor(deps.env.retentionIntervalSeconds));
  else await boss.unschedule(RETENTION_QUEUE).catch(() => {});

  return {
    ...jobs,
    async stop() {
      // Graceful: the projector's current batch commits (or rolls back: its events stay pending), running syncs
      // finish (they checkpoint per page), then the pool closes.
      await Promise.all([projector?.stop(), boss.stop({ graceful: true, wait: true, timeout: 20_000 })]);
    },
  };
}
