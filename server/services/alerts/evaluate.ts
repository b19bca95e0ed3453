/**
 * Evaluating one claimed rule in its organization: measure, decide, and commit a state change (ok -> firing, or back)
 * as a conditional update together with its event and its pending deliveries (the outbox), so a rule fires once,
 * resolves once, and a restart never notifies again. The job (server/jobs/alert-jobs.ts) claims the rules.
 */
import { and, eq, inArray } from "drizzle-orm";
import { STATUS_METRICS, type AlertMetric } from "@shared/alert-schemas";
import { alertChannels, alertDeliveries, alertEvents, alertRules, organizations } from "../../db/schema";
import type { Ctx } from "../context";
import { newMessageId } from "./deliveries";
import type { AlertMessage } from "./messages";
import { measure, type MeasureCache, type Measurement } from "./metrics";

export type RuleRow = typeof alertRules.$inferSelect;
export type RuleOutcome = "fired" | "resolved" | null;

/** What a rule's state becomes given a measurement: "fire", "resolve" or nothing. */
export function transition(rule: Pick<RuleRow, "metric" | "comparator" | "threshold" | "minCalls" | "state">, m: Pick<Measurement, "value" | "calls">) {
  if (m.value === null) return null;
  const metric = rule.metric as AlertMetric;
  const enough = STATUS_METRICS.includes(metric) || metric === "call_volume" || (m.calls ?? 0) >= rule.minCalls;
  if (!enough) return null;
  const crossing = rule.comparator === "above" ? m.value > rule.threshold : m.value < rule.threshold;
  if (crossing && rule.state === "ok") return "fire" as const;
  if (!crossing && rule.state === "firing") return "resolve" as const;
  return null;
}

async function applyTransition(ctx: Ctx, rule: RuleRow, kind: "fire" | "resolve", m: Measurement, now: Date): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const [changed] = await tx
      .update(alertRules)
      .set(kind === "fire" ? { state: "firing", lastFiredAt: now, lastValue: m.value } : { state: "ok", lastValue: m.value })
      .where(
        and(
          eq(alertRules.id, rule.id),
          eq(alertRules.organizationId, ctx.organizationId),
          eq(alertRules.state, kind === "fire" ? "ok" : "firing"),
          eq(alertRules.enabled, true),
        ),
      )
      .returning({ id: alertRules.id });
    if (!changed) return false; // someone else moved it (or disabled it) meanwhile
    const [event] = await tx
      .insert(alertEvents)
      .values({
        organizationId: ctx.organizationId,
        ruleId: rule.id,
        state: kind === "fire" ? "firing" : "resolved",
        value: m.value,
        threshold: rule.threshold,
        calls: m.calls,
        windowFrom: new Date(m.window.from),
        windowTo: new Date(m.window.to),
        at: now,
      })
      .returning();
    const channels = rule.channelIds.length
      ? await tx
          .select({ id: alertChannels.id })
          .from(alertChannels)
          .where(and(eq(alertChannels.organizationId, ctx.organizationId), inArray(alertChannels.id, rule.channelIds)))
      : [];
    const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, ctx.organizationId));
    const message: AlertMessage = {
      type: kind === "fire" ? "alert.firing" : "alert.resolved",
      rule: {
        id: rule.id,
        name: rule.name,
        metric: rule.metric as AlertMetric,
        agentId: rule.agentId,
        criterionId: rule.criterionId,
        windowMinutes: rule.windowMinutes,
        comparator: rule.comparator,
        minCalls: rule.minCalls,
      },
      value: m.value,
      threshold: rule.threshold,
      calls: m.calls,
      window: m.window,
      organization: { id: ctx.organizationId, name: org?.name ?? "" },
      url: `${ctx.config.appUrl}/alerts`,
    };
    if (channels.length)
      await tx
        .insert(alertDeliveries)
        .values(channels.map((c) => ({ organizationId: ctx.organizationId, eventId: event.id, channelId: c.id, messageId: newMessageId(), payload: message })));
    return true;
  });
}

/** Measures a rule claimed for this run and applies its transition; returns what happened. */
export async function evaluateRule(ctx: Ctx, rule: RuleRow, now: Date, cache: MeasureCache): Promise<RuleOutcome> {
  const m = await measure(ctx, { metric: rule.metric as AlertMetric, agentId: rule.agentId, criterionId: rule.criterionId, windowMinutes: rule.windowMinutes }, now, cache);
  const kind = transition(rule, m);
  if (kind && (await applyTransition(ctx, rule, kind, m, now))) {
    ctx.log.info({ ruleId: rule.id, organizationId: ctx.organizationId, state: kind === "fire" ? "firing" : "resolved", value: m.value }, "alert rule changed state");
    return kind === "fire" ? "fired" : "resolved";
  }
  if (m.value !== rule.lastValue)
    await ctx.db.update(alertRules).set({ lastValue: m.value }).where(and(eq(alertRules.id, rule.id), eq(alertRules.organizationId, ctx.organizationId)));
  return null;
}
