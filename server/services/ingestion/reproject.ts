/**
 * Rebuilds call rows from the stored raw events (after the normalizer learns new fields). Events are replayed per
 * conversation in event-time order through the projector's own code, so a run gives what live projection gives, and
 * a second run changes nothing. Pending events are left to the projector.
 */
import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { webhookEvents } from "../../db/schema";
import type { Logger } from "../../lib/logger";
import { projectEvent } from "./projector";

export type ReprojectProgress = { done: number; total: number; failed: number };

const BATCH = 500;

export async function reprojectCalls(
  deps: { db: Db; log: Logger },
  options: { organizationId?: string; onProgress?: (p: ReprojectProgress) => void } = {},
): Promise<ReprojectProgress> {
  const scope = and(ne(webhookEvents.state, "pending"), sql`${webhookEvents.payload} is not null`, options.organizationId ? eq(webhookEvents.organizationId, options.organizationId) : undefined);
  const [{ total }] = await deps.db.select({ total: sql<number>`count(*)::int` }).from(webhookEvents).where(scope);
  const progress: ReprojectProgress = { done: 0, total, failed: 0 };
  options.onProgress?.(progress);
  const eventTime = sql`coalesce(${webhookEvents.eventAt}, ${webhookEvents.receivedAt})`;
  let after: { organizationId: string; conversationId: string; at: string; id: string } | null = null;
  for (;;) {
    const page: Array<Parameters<typeof projectEvent>[1] & { state: string; at: string }> = await deps.db
      .select({
        id: webhookEvents.id,
        organizationId: sql<string>`${webhookEvents.organizationId}`,
        type: webhookEvents.type,
        source: webhookEvents.source,
        conversationId: webhookEvents.conversationId,
        payload: webhookEvents.payload,
        eventAt: webhookEvents.eventAt,
        receivedAt: webhookEvents.receivedAt,
        attempts: webhookEvents.attempts,
        state: webhookEvents.state,
        at: sql<string>`to_char(${eventTime} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
      })
      .from(webhookEvents)
      .where(
        and(
          scope,
          after
            ? sql`(${webhookEvents.organizationId}, coalesce(${webhookEvents.conversationId}, ''), ${eventTime}, ${webhookEvents.id}) > (${after.organizationId}::uuid, ${after.conversationId}, ${after.at}::timestamp at time zone 'UTC', ${after.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(webhookEvents.organizationId, sql`coalesce(${webhookEvents.conversationId}, '')`, eventTime, webhookEvents.id)
      .limit(BATCH);
    if (page.length === 0) break;
    await deps.db.transaction(async (tx) => {
      for (const event of page) {
        await tx.execute(sql`savepoint reprojecting`);
        try {
          const state = await projectEvent(tx, event);
          await tx.execute(sql`release savepoint reprojecting`);
          // An event that failed under the old normalizer and projects now is done.
          if (event.state === "failed") await tx.update(webhookEvents).set({ state, error: null, processedAt: sql`now()` }).where(eq(webhookEvents.id, event.id));
        } catch (err) {
          await tx.execute(sql`rollback to savepoint reprojecting`);
          progress.failed++;
          deps.log.warn({ eventId: event.id, err: err instanceof Error ? err.message : String(err) }, "reproject: event still cannot be projected");
        }
      }
    });
    const last = page[page.length - 1];
    after = { organizationId: last.organizationId, conversationId: last.conversationId ?? "", at: last.at, id: last.id };
    progress.done += page.length;
    options.onProgress?.(progress);
  }
  return progress;
}
