/**
 * Background work on pg-boss (the queue lives in the same PostgreSQL, so any number of app instances share it).
 *
 * Agent syncs (decision 013):
 * - One sync per agent at a time across instances: a run holds a session-level advisory lock on the agent for its
 *   duration, on its own connection. A job whose agent is busy re-queues itself a few seconds later and returns, so
 *   it never holds a worker (or the queue) while another agent waits.
 * - A run is a time slice (SLICE_MS): at the next page boundary after it, the sync checkpoints and hands the rest
 *   back as a continuation job at the back of the queue, so a large or slow agent cannot starve the others. On
 *   SIGTERM every running slice hands back at its next page.
 * - A process that dies (kill -9, OOM) releases its locks with its connections; the reaper sees an active job whose
 *   agent lock nobody holds and fails it into a retry, within about half a minute. pg-boss's expiration is the
 *   backstop.
 * - The periodic schedule is a chain of delayed jobs, one per agent: each run queues its successor at its own
 *   scheduled time plus SYNC_INTERVAL_SECONDS, so syncs start on time (pg-boss cron is per minute, with jitter).
 */
import PgBoss from "pg-boss";
import type pg from "pg";
import type { AppDeps } from "../deps";
import type { Lifecycle } from "../lib/lifecycle";
import { ADVISORY_LOCKS, withAdvisoryLock } from "../db/migrate";
import { agentsOfOrganization, agentsToSync, syncAgent, SyncRetryLater } from "../services/sync/sync-agent";
import { reconcileQualityDays, runRetention } from "./retention";
import { startProjector } from "../services/ingestion/projector";
import type { Jobs, SyncJob } from "../services/jobs";
import { createAlertQueues, startAlertJobs } from "./alert-jobs";

export type RunningJobs = Jobs & {
  /** The pg-boss instance, for other job kinds (create their queues inside `withStartupLock`). */
  boss: PgBoss;
  stop(): Promise<void>;
  /** Agents whose sync is running in this process. */
  running(): string[];
};

export const SYNC_QUEUE = "agent-sync";
/** Queues of earlier releases, emptied of schedules at start. */
const OLD_TICK_QUEUE = "sync-tick";
/** Data retention (DESIGN.md §11): one run at a time across all instances. */
const RETENTION_QUEUE = "retention";
const WORKERS = 2;
/** A run's time budget; the sync hands the rest back at the first page boundary after it. */
const SLICE_MS = 30_000;
/** A job whose agent is being synced elsewhere comes back after this long. */
const BUSY_RETRY_SECONDS = 5;
/** An active job whose agent lock nobody has held for this long belongs to a dead process. */
const ORPHAN_AFTER_SECONDS = 15;
const REAPER_EVERY_MS = 5_000;
const SCHEDULER_EVERY_MS = 2_000;
/** Advisory lock class of per-agent sync locks: pg_try_advisory_lock(AGENT_LOCK_CLASS, hashtext(agent id)). */
const AGENT_LOCK_CLASS = 0x7664;

type AgentJob = SyncJob & { agentId: string };

const manualKey = (agentId: string) => agentId;
const resumeKey = (agentId: string) => `${agentId}:resume`;
const periodicKey = (agentId: string) => `${agentId}:periodic`;

/**
 * The agent's sync lock on a dedicated connection, or null when another run holds it. The connection asks the
 * kernel to probe its peer, so a host that vanishes (not only a process) frees the lock in about half a minute.
 */
async function tryAgentLock(pool: pg.Pool, agentId: string): Promise<(() => Promise<void>) | null> {
  const client = await pool.connect();
  try {
    await client.query("set tcp_keepalives_idle = 10; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3");
    const { rows } = await client.query<{ locked: boolean }>("select pg_try_advisory_lock($1, hashtext($2)) as locked", [AGENT_LOCK_CLASS, agentId]);
    if (!rows[0].locked) {
      client.release();
      return null;
    }
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
  return async () => {
    try {
      await client.query("select pg_advisory_unlock($1, hashtext($2))", [AGENT_LOCK_CLASS, agentId]);
      client.release();
    } catch (err) {
      client.release(err as Error); // discarded: its session (and lock) ends with it
    }
  };
}

/** Cron for the retention interval, at minute granularity (retention has no need of the second-exact sync scheduler). */
export function retentionCron(intervalSeconds: number): string {
  const minutes = Math.max(1, Math.round(intervalSeconds / 60));
  if (minutes < 60) return `*/${minutes} * * * *`;
  const hours = Math.min(24, Math.round(minutes / 60));
  return hours >= 24 ? "0 0 * * *" : `0 */${hours} * * *`;
}

/** The next start of a periodic chain: its scheduled time plus the interval, skipping slots already past. */
export function nextPeriodicStart(scheduled: Date, intervalSeconds: number, now: Date): Date {
  let next = scheduled.getTime() + intervalSeconds * 1000;
  while (next <= now.getTime()) next += intervalSeconds * 1000;
  return new Date(next);
}

export async function startJobs(deps: Omit<AppDeps, "jobs"> & { databaseUrl: string; lifecycle?: Lifecycle }): Promise<RunningJobs> {
  const pool = deps.db.$client;
  const boss = new PgBoss({ connectionString: deps.databaseUrl, schema: "pgboss", max: 4, maintenanceIntervalSeconds: 30 });
  boss.on("error", (err) => deps.log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, "job queue error"));
  // pg-boss installs its schema at start and creating a queue is not safe to race: instances started together take
  // turns (the same lock as the migrations).
  await withAdvisoryLock(pool, ADVISORY_LOCKS.startup, async () => {
    await boss.start();
    // "short": at most one queued job per key (repeated "Sync now" clicks collapse); running ones are serialised by
    // the agent lock, not by the queue, so a busy agent never stops the fetch of other agents' jobs.
    await boss.createQueue(SYNC_QUEUE, { name: SYNC_QUEUE, policy: "short", retryLimit: 6, retryDelay: 10, retryBackoff: true, expireInSeconds: 15 * 60 });
    await boss.unschedule(OLD_TICK_QUEUE).catch(() => {});
    await createAlertQueues(boss, deps);
    await boss.createQueue(RETENTION_QUEUE, { name: RETENTION_QUEUE, policy: "singleton", retryLimit: 1, expireInMinutes: 60 });
  });

  const send = (job: AgentJob, singletonKey: string, startAfter?: Date | number) =>
    boss.send(SYNC_QUEUE, job, { singletonKey, ...(startAfter !== undefined ? { startAfter } : {}) });

  const jobs: Jobs = {
    async enqueueSync(job) {
      const ids = job.agentId ? [job.agentId] : await agentsOfOrganization(deps, job.organizationId);
      for (const agentId of ids) await send({ organizationId: job.organizationId, agentId, mode: job.mode }, manualKey(agentId));
    },
  };
  const fullDeps: AppDeps = { ...deps, jobs };
  const running = new Map<string, string>();
  const interval = deps.env.syncIntervalSeconds;

  const runOne = async (job: PgBoss.JobWithMetadata<AgentJob>) => {
    const data = job.data;
    if (data.periodic && interval > 0) await send({ organizationId: data.organizationId, agentId: data.agentId, mode: "incremental", periodic: true }, periodicKey(data.agentId), nextPeriodicStart(job.startAfter, interval, new Date()));
    const unlock = await tryAgentLock(pool, data.agentId);
    if (!unlock) {
      // Being synced elsewhere: a periodic run is covered by that sync; anything else comes back shortly.
      if (!data.periodic) await send(data, data.resume ? resumeKey(data.agentId) : manualKey(data.agentId), BUSY_RETRY_SECONDS);
      return;
    }
    running.set(job.id, data.agentId);
    const started = Date.now();
    deps.log.info({ agentId: data.agentId, mode: data.mode, resume: Boolean(data.resume), periodic: Boolean(data.periodic) }, "sync started");
    try {
      const result = await syncAgent(fullDeps, data, { shouldYield: () => deps.lifecycle?.stopping === true || Date.now() - started > SLICE_MS });
      if (result.status === "partial" && result.resume) {
        await send({ organizationId: data.organizationId, agentId: data.agentId, mode: data.mode, resume: result.resume }, resumeKey(data.agentId));
        deps.log.info({ agentId: data.agentId, conversations: result.conversations, fetched: result.fetched, shuttingDown: deps.lifecycle?.stopping === true }, "sync handed back at a checkpoint");
      } else deps.log.info({ agentId: data.agentId, mode: data.mode, ...result }, "sync finished");
    } catch (err) {
      if (!(err instanceof SyncRetryLater)) throw err; // pg-boss retries with backoff
      deps.log.warn({ agentId: data.agentId, retryAfterSeconds: err.retryAfterSeconds }, "sync postponed");
      await send({ ...data }, data.resume ? resumeKey(data.agentId) : manualKey(data.agentId), err.retryAfterSeconds);
    } finally {
      running.delete(job.id);
      await unlock();
    }
  };

  for (let i = 0; i < WORKERS; i++) {
    await boss.work<AgentJob>(SYNC_QUEUE, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: 1 }, async ([job]) => runOne(job));
  }
  const alerts = await startAlertJobs(boss, fullDeps);
  // The inbox projector (docs/decisions/007): starts by draining whatever a previous process acknowledged but did
  // not project (a crash between the 200 and the projection loses nothing).
  const projector = deps.env.projector ? startProjector(deps) : null;

  await boss.work(RETENTION_QUEUE, async () => {
    const deleted = await runRetention(deps);
    deps.log.info(deleted, "retention finished");
    // Daily quality rows left in an earlier zone (a rebuild after a time zone change that did not finish).
    await reconcileQualityDays(deps);
  });
  if (deps.env.retentionIntervalSeconds > 0) await boss.schedule(RETENTION_QUEUE, retentionCron(deps.env.retentionIntervalSeconds));
  else await boss.unschedule(RETENTION_QUEUE).catch(() => {});

  /** Active jobs whose agent lock nobody holds: their process died. Failing them makes pg-boss retry them now. */
  const reap = async () => {
    const { rows } = await pool.query<{ id: string }>(
      `select j.id from pgboss.job j
        where j.name = $1 and j.state = 'active' and j.started_on < now() - make_interval(secs => $2)
          and not exists (
            select 1 from pg_locks l
             where l.locktype = 'advisory' and l.granted and l.objsubid = 2
               and l.database = (select oid from pg_database where datname = current_database())
               and l.classid = $3::oid and l.objid = (hashtext(j.data->>'agentId')::bigint & 4294967295)::oid)`,
      [SYNC_QUEUE, ORPHAN_AFTER_SECONDS, AGENT_LOCK_CLASS],
    );
    if (rows.length === 0) return;
    for (const r of rows) await boss.fail(SYNC_QUEUE, r.id, { reason: "the process running this sync stopped" });
    deps.log.warn({ jobs: rows.length }, "re-queued syncs of a stopped process");
  };

  /** Starts a periodic chain for every agent due for syncs that has none (new agents, first start, a broken chain). */
  const schedule = async () => {
    if (interval <= 0) return;
    const due = await agentsToSync(fullDeps);
    if (due.length === 0) return;
    const { rows } = await pool.query<{ key: string; start_after: Date }>(
      `select singleton_key as key, start_after from pgboss.job where name = $1 and singleton_key like '%:periodic' and state in ('created', 'retry', 'active')`,
      [SYNC_QUEUE],
    );
    const chained = new Set<string>();
    const tooLate: string[] = [];
    for (const r of rows) {
      // A chain scheduled further out than the interval (it was shortened since) is restarted.
      if (r.start_after.getTime() > Date.now() + (interval + 2) * 1000) tooLate.push(r.key);
      else chained.add(r.key);
    }
    if (tooLate.length) await pool.query(`delete from pgboss.job where name = $1 and state = 'created' and singleton_key = any($2::text[])`, [SYNC_QUEUE, tooLate]);
    for (const a of due) if (!chained.has(periodicKey(a.agentId))) await send({ organizationId: a.organizationId, agentId: a.agentId, mode: "incremental", periodic: true }, periodicKey(a.agentId));
  };

  const loops: NodeJS.Timeout[] = [];
  const every = (ms: number, name: string, fn: () => Promise<void>) => {
    let busy = false;
    const t = setInterval(() => {
      if (busy) return;
      busy = true;
      fn()
        .catch((err: Error) => deps.log.warn({ err: { message: err.message } }, `${name} failed`))
        .finally(() => (busy = false));
    }, ms);
    t.unref();
    loops.push(t);
  };
  every(REAPER_EVERY_MS, "sync reaper", reap);
  every(SCHEDULER_EVERY_MS, "sync scheduler", schedule);
  void schedule().catch(() => {});

  let stopped: Promise<void> | null = null;
  return {
    ...jobs,
    boss,
    running: () => [...running.values()],
    stop() {
      // Stop fetching; running slices hand back at their next page (lifecycle signal) and complete; whatever still
      // runs at the timeout is failed by pg-boss, which makes it a retry for another instance. The projector's
      // current batch commits (or rolls back: its events stay pending).
      stopped ??= (async () => {
        for (const t of loops) clearInterval(t);
        alerts.stop();
        await Promise.all([projector?.stop(), boss.stop({ graceful: true, wait: true, timeout: 20_000 })]);
      })();
      return stopped;
    },
  };
}
