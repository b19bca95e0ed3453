/**
 * The projector: drains the inbox into call_logs, call_audio and the rollups. Batches are claimed with
 * FOR UPDATE SKIP LOCKED, so any number of instances drain one inbox together and never take the same event; a
 * crash before commit hands the batch back. Each event runs in a savepoint: one that fails is retried with backoff
 * (then `failed`, with its error) and never holds up the rest.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { callAudio, callLogs, webhookEvents } from "../../db/schema";
import { listenOn } from "../../db/listen";
import type { Logger } from "../../lib/logger";
import { INBOX_CHANNEL, type InboxSignal } from "./inbox";
import { interpretEvent, UnusableEvent, type InboxEventRow } from "./interpret";
import { eventOrder, upsertCall } from "./upsert-call";
import { insertNewCalls, type NewCallCandidate } from "./insert-new-calls";

export const BATCH_SIZE = 100;
/**
 * While this process acknowledges more than BUSY_ACKS_PER_SECOND deliveries a second, the projector yields the
 * cores to acknowledging (both share them): one drain loop instead of two, batches of BUSY_BATCH_SIZE (cheaper per
 * call), and after each batch a rest of BUSY_REST_FACTOR times its duration (about a fifth of one core). It stops
 * yielding once the oldest event it took waited MAX_YIELD_LAG_MS: a burst is built at full speed after that, so
 * a call is never held back more than that by yielding (docs/decisions/007, "Throughput").
 */
export const BUSY_ACKS_PER_SECOND = 200;
const BUSY_BATCH_SIZE = 500;
const BUSY_REST_FACTOR = 4;
const MAX_YIELD_LAG_MS = 10_000;
/** Attempts before an event is given up as `failed`; the waits between them grow 5 s, 20 s, 80 s, 5 min, 21 min. */
export const MAX_ATTEMPTS = 6;
const SWEEP_MS = 5_000;

export function retryDelaySeconds(attempts: number): number {
  return 5 * 4 ** Math.max(0, attempts - 1);
}

type ProjectorDeps = { db: Db; log: Logger; inbox: InboxSignal };
type Claimed = InboxEventRow & { conversationId: string | null; attempts: number };

/** Attaches a delivery's recording to its call; a newer delivery's recording replaces an older one's chunks. */
async function attachAudio(tx: Tx, organizationId: string, callLogId: string, audio: { eventId: string; size: number }) {
  await tx
    .insert(callAudio)
    .values({ organizationId, callLogId, eventId: audio.eventId, size: audio.size, bytes: null, contentType: "audio/mpeg" })
    .onConflictDoUpdate({ target: callAudio.callLogId, set: { eventId: audio.eventId, size: audio.size, bytes: null, createdAt: sql`now()` } });
}

/** Projects one event; returns the state it ends in. */
export async function projectEvent(tx: Tx, event: Claimed): Promise<"processed" | "ignored"> {
  const what = interpretEvent(event);
  if ("ignored" in what) return "ignored";
  if ("nothingToBuild" in what) return "processed";
  const result = await upsertCall(tx, event.organizationId, what.fields, event.source, eventOrder(what.eventTime, event.type));
  // A deleted call stays deleted (its tombstone): nothing to attach a recording to.
  if (what.audio && result.id) await attachAudio(tx, event.organizationId, result.id, what.audio);
  return "processed";
}

/**
 * The first event of each conversation in a (sorted) batch, when it builds a call without audio: the fast path's
 * candidates (insertNewCalls). An event that cannot be read is left to the per-event path, which records why.
 */
function newCallCandidates(claimed: Claimed[]): NewCallCandidate[] {
  const seen = new Set<string>();
  const out: NewCallCandidate[] = [];
  for (const event of claimed) {
    if (!event.conversationId) continue;
    const conversation = `${event.organizationId}|${event.conversationId}`;
    if (seen.has(conversation)) continue;
    seen.add(conversation);
    let what: ReturnType<typeof interpretEvent>;
    try {
      what = interpretEvent(event);
    } catch {
      continue;
    }
    if (!("fields" in what) || what.audio || what.fields.conversationId !== event.conversationId) continue;
    out.push({ eventId: event.id, organizationId: event.organizationId, source: event.source, fields: what.fields, order: eventOrder(what.eventTime, event.type) });
  }
  return out;
}

const claimColumns = {
  id: webhookEvents.id,
  organizationId: webhookEvents.organizationId,
  type: webhookEvents.type,
  source: webhookEvents.source,
  conversationId: webhookEvents.conversationId,
  payload: webhookEvents.payload,
  eventAt: webhookEvents.eventAt,
  receivedAt: webhookEvents.receivedAt,
  attempts: webhookEvents.attempts,
};

/** Claims up to `limit` due events and projects them in one transaction; returns how many it took. */
export async function projectBatch(deps: ProjectorDeps, limit = BATCH_SIZE): Promise<number> {
  return (await projectDue(deps, limit)).taken;
}

/** projectBatch, also saying when the oldest event it took was received (null when it took none). */
async function projectDue(deps: ProjectorDeps, limit: number): Promise<{ taken: number; oldest: Date | null }> {
  return deps.db.transaction(async (tx) => {
    const claimed = (await tx
      .select(claimColumns)
      .from(webhookEvents)
      // New events have no next_attempt_at (due at once); retries wait for theirs.
      .where(and(eq(webhookEvents.state, "pending"), sql`(${webhookEvents.nextAttemptAt} is null or ${webhookEvents.nextAttemptAt} <= now())`))
      .orderBy(sql`${webhookEvents.nextAttemptAt} asc nulls first`, webhookEvents.receivedAt)
      .limit(limit)
      .for("update", { skipLocked: true })) as Claimed[];
    if (claimed.length === 0) return { taken: 0, oldest: null };
    const oldest = claimed.reduce((min, e) => (e.receivedAt < min ? e.receivedAt : min), claimed[0].receivedAt);
    // One lock order for every instance (organization, conversation, then event time), so two batches touching the
    // same calls cannot deadlock; within a conversation, older events first.
    claimed.sort(
      (a, b) =>
        a.organizationId.localeCompare(b.organizationId) ||
        (a.conversationId ?? "").localeCompare(b.conversationId ?? "") ||
        (a.eventAt ?? a.receivedAt).getTime() - (b.eventAt ?? b.receivedAt).getTime(),
    );
    const done: Record<"processed" | "ignored", string[]> = { processed: [], ignored: [] };
    const built = await insertNewCalls(tx, newCallCandidates(claimed));
    done.processed.push(...built);
    for (const event of claimed) {
      if (built.has(event.id)) continue;
      await tx.execute(sql`savepoint projecting`);
      try {
        done[await projectEvent(tx, event)].push(event.id);
        await tx.execute(sql`release savepoint projecting`);
      } catch (err) {
        await tx.execute(sql`rollback to savepoint projecting`);
        const unusable = err instanceof UnusableEvent;
        const attempts = event.attempts + 1;
        const final = unusable || attempts >= MAX_ATTEMPTS;
        const message = errorText(err);
        if (!unusable) deps.log.warn({ err, eventId: event.id, attempts }, final ? "inbox event failed for good" : "inbox event failed; will retry");
        await tx
          .update(webhookEvents)
          .set({
            attempts,
            error: message,
            state: final ? "failed" : "pending",
            processedAt: final ? sql`now()` : null,
            nextAttemptAt: final ? null : sql`now() + make_interval(secs => ${retryDelaySeconds(attempts)})`,
          })
          .where(eq(webhookEvents.id, event.id));
        if (final && event.type === "post_call_audio") await dropOrphanChunks(tx, event);
      }
    }
    for (const state of ["processed", "ignored"] as const) {
      if (done[state].length === 0) continue;
      await tx
        .update(webhookEvents)
        .set({ state, processedAt: sql`now()`, nextAttemptAt: null, error: state === "ignored" ? "ignored: unknown event type" : null })
        .where(inArray(webhookEvents.id, done[state]));
    }
    return { taken: claimed.length, oldest };
  });
}

/** The database's own message (not the failed statement, whose parameters hold call content). */
function errorText(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return (cause instanceof Error ? cause.message : String(cause)).slice(0, 500);
}

/** A recording that will never belong to a call is not kept. */
async function dropOrphanChunks(tx: Tx, event: Claimed) {
  await tx.execute(
    sql`delete from call_audio_chunks c where c.event_id = ${event.id} and c.organization_id = ${event.organizationId}
        and not exists (select 1 from ${callAudio} a where a.event_id = ${event.id})`,
  );
}

/** Projects until nothing is due (tests, the reproject script, start-up catch-up). */
export async function drainInbox(deps: ProjectorDeps): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await projectBatch(deps);
    total += n;
    if (n === 0) return total;
  }
}

export type Projector = { stop(): Promise<void>; wake(): void; /** Events this projector has taken so far. */ taken(): number };

/**
 * Runs `concurrency` drain loops in this process: woken by this process's deliveries, by NOTIFY from other
 * instances, and every SWEEP_MS anyway (retries that came due, a lost notification).
 */
export function startProjector(deps: ProjectorDeps, options: { concurrency?: number } = {}): Projector {
  let running = true;
  let pendingWake = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    pendingWake = true;
    for (const w of waiters) w();
    waiters.clear();
  };
  const idle = () =>
    new Promise<void>((resolve) => {
      if (pendingWake || !running) return resolve();
      const timer = setTimeout(done, SWEEP_MS);
      function done() {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  const unregister = deps.inbox.onSignal(wake);
  // Other instances' deliveries arrive by NOTIFY; on (re)connecting, anything that arrived while not listening.
  const listener = listenOn(deps.db.$client, INBOX_CHANNEL, { notification: wake, listening: wake });

  let taken = 0;
  /** Set while yielding to acknowledgements; cleared once events waited MAX_YIELD_LAG_MS. */
  let lagging = false;
  const yielding = () => !lagging && deps.inbox.acknowledgedPerSecond() >= BUSY_ACKS_PER_SECOND;
  /** Rests end early only for stop() (a delivery's wake() must not cut a yielding rest short). */
  const resting = new Set<() => void>();
  const rest = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(ms, 5_000));
      function done() {
        clearTimeout(timer);
        resting.delete(done);
        resolve();
      }
      if (!running) return done();
      resting.add(done);
    });
  const loop = async (lane: number) => {
    while (running) {
      pendingWake = false;
      const busy = yielding();
      if (busy && lane > 0) {
        await rest(250); // one lane while busy
        continue;
      }
      let result: { taken: number; oldest: Date | null };
      const started = performance.now();
      try {
        result = await projectDue(deps, busy ? BUSY_BATCH_SIZE : BATCH_SIZE);
        taken += result.taken;
      } catch (err) {
        deps.log.warn({ err }, "projector batch failed; retrying");
        await rest(1_000);
        continue;
      }
      lagging = result.oldest !== null && Date.now() - result.oldest.getTime() > MAX_YIELD_LAG_MS;
      if (busy && result.taken > 0) await rest((performance.now() - started) * BUSY_REST_FACTOR);
      else if (result.taken < BATCH_SIZE) await idle();
    }
  };
  const loops = Array.from({ length: options.concurrency ?? 2 }, (_, lane) => loop(lane));

  return {
    wake,
    taken: () => taken,
    async stop() {
      running = false;
      for (const done of [...resting]) done();
      unregister();
      wake();
      await Promise.all(loops);
      await listener.stop();
    },
  };
}

/** Calls of one organization that a projection could have changed (for tests and the reproject script). */
export async function callCount(db: Db, organizationId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(callLogs).where(eq(callLogs.organizationId, organizationId));
  return row.n;
}
