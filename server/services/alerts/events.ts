/** The firing history: events newest first (keyset), each with the outcome of its deliveries. */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { AlertEvent } from "@shared/alert-schemas";
import { alertDeliveries, alertEvents, alertRules } from "../../db/schema";
import type { Ctx } from "../context";
import { decodeCursor, encodeCursor } from "../calls/cursor";

export async function listAlertEvents(ctx: Ctx, query: { ruleId?: string; limit: number; cursor?: string }): Promise<{ data: AlertEvent[]; nextCursor: string | null }> {
  const cursor = decodeCursor(query.cursor);
  const rows = await ctx.db
    .select({ event: alertEvents, ruleName: alertRules.name, metric: alertRules.metric })
    .from(alertEvents)
    .innerJoin(alertRules, eq(alertRules.id, alertEvents.ruleId))
    .where(
      and(
        eq(alertEvents.organizationId, ctx.organizationId),
        query.ruleId ? eq(alertEvents.ruleId, query.ruleId) : undefined,
        cursor?.startedAt ? sql`(${alertEvents.at}, ${alertEvents.id}) < (${cursor.startedAt}::timestamptz, ${cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(alertEvents.at), desc(alertEvents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const ids = page.map((r) => r.event.id);
  const deliveries = ids.length
    ? await ctx.db
        .select()
        .from(alertDeliveries)
        .where(and(eq(alertDeliveries.organizationId, ctx.organizationId), inArray(alertDeliveries.eventId, ids)))
    : [];
  const data = page.map(({ event, ruleName, metric }) => ({
    id: event.id,
    ruleId: event.ruleId,
    ruleName,
    metric: metric as AlertEvent["metric"],
    state: event.state,
    value: event.value,
    threshold: event.threshold,
    at: event.at.toISOString(),
    window: { from: event.windowFrom.toISOString(), to: event.windowTo.toISOString() },
    deliveries: deliveries
      .filter((d) => d.eventId === event.id)
      .map((d) => ({
        channelId: d.channelId,
        ok: d.state === "sent",
        status: d.lastStatus,
        error: d.state === "pending" ? "pending: not sent yet" : d.lastError,
        attempts: d.attempts.length,
      })),
  }));
  const last = page.at(-1);
  return { data, nextCursor: rows.length > query.limit && last ? encodeCursor({ startedAt: last.event.at.toISOString(), id: last.event.id }) : null };
}
