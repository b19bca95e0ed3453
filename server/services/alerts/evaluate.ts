/**
 * One evaluation run over every enabled rule of every organization. Rules are claimed with FOR UPDATE SKIP LOCKED
 * and stamped, so concurrent runs (two instances) split them and each rule is evaluated once per interval; a state
 * change is a conditional update (ok -> firing, firing -> ok) committed with its event and its pending deliveries
 * (the outbox), so a rule fires once, resolves once, and a restart never notifies again.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { STATUS_METRICS, type AlertMetric } from "@shared/alert-schemas";
import { alertChannels, alertDeliveries, alertEvents, alertRules, organizations } from "../../db/schema";
import { systemCtx, type AppDeps } from "../../lib/context";
import { newMessageId, sendPendingDeliveries } from "./deliveries";
import type { AlertMessage } from "./messages";
import { measure, type MeasureCache, type Measurement } from "./metrics";

type RuleRow = typeof alertRules.$inferSelect;

export type EvaluationResult = { evaluated: number; fired: number; resolved: number; delivered: number; ms: number };

export type EvaluateOptions = {
  /** A rule evaluated less than this long ago is skipped (another instance just did it). Default: half the interval. */
  minGapSeconds?: number;
  /** Send the new deliveries in this run (default true). */
  deliver?: boolean;
  concurrency?: number;
};

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

async function claimDueRules(deps: AppDeps, now: Date, minGapSeconds: number): Promise<RuleRow[]> {
  const { rows } = await deps.db.execute<{ id: string }>(sql`
    update alert_rules set last_evaluated_at = ${now.toISOString()}::timestamptz
    where id in (
      select id from alert_rules
      where enabled and (last_evaluated_at is null or last_evaluated_at <= ${now.toISOString()}::timestamptz - make_interval(secs => ${minGapSeconds}))
      for update skip locked
    )
    returning id`);
  if (!rows.length) return [];
  return deps.db.select().from(alertRules).where(inArray(alertRules.id, rows.map((r) => r.id)));
}

async function applyTransition(deps: AppDeps, rule: RuleRow, kind: "fire" | "resolve", m: Measurement, orgName: string, now: Date): Promise<boolean> {
  const ctx = systemCtx(deps, rule.organizationId);
  return ctx.db.transaction(async (tx) => {
    const [changed] = await tx
      .update(alertRules)
      .set(kind === "fire" ? { state: "firing", lastFiredAt: now, lastValue: m.value } : { state: "ok", lastValue: m.value })
      .where(and(eq(alertRules.id, rule.id), eq(alertRules.organizationId, rule.organizationId), eq(alertRules.state, kind === "fire" ? "ok" : "firing"), eq(alertRules.enabled, true)))
      .returning({ id: alertRules.id });
    if (!changed) return false; // someone else moved it (or disabled it) meanwhile
    const [event] = await tx
      .insert(alertEvents)
      .values({
        organizationId: rule.organizationId,
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
          .where(and(eq(alertChannels.organizationId, rule.organizationId), inArray(alertChannels.id, rule.channelIds)))
      : [];
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
      organization: { id: rule.organizationId, name: orgName },
      url: `${deps.env.appUrl}/alerts`,
    };
    if (channels.length)
      await tx
        .insert(alertDeliveries)
        .values(channels.map((c) => ({ organizationId: rule.organizationId, eventId: event.id, channelId: c.id, messageId: newMessageId(), payload: message })));
    return true;
  });
}

export async function evaluateAlerts(deps: AppDeps, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const started = Date.now();
  const now = deps.now();
  const minGap = options.minGapSeconds ?? Math.max(1, Math.floor(deps.env.alertIntervalSeconds / 2));
  const rules = await claimDueRules(deps, now, minGap);
  const result: EvaluationResult = { evaluated: 0, fired: 0, resolved: 0, delivered: 0, ms: 0 };
  if (rules.length) {
    const orgIds = [...new Set(rules.map((r) => r.organizationId))];
    const orgNames = new Map(
      (await deps.db.select({ id: organizations.id, name: organizations.name }).from(organizations).where(inArray(organizations.id, orgIds))).map((o) => [o.id, o.name]),
    );
    const cache: MeasureCache = new Map();
    const queue = [...rules];
    const worker = async () => {
      for (let rule = queue.shift(); rule; rule = queue.shift()) {
        try {
          const ctx = systemCtx(deps, rule.organizationId);
          const m = await measure(ctx, { metric: rule.metric as AlertMetric, agentId: rule.agentId, criterionId: rule.criterionId, windowMinutes: rule.windowMinutes }, now, cache);
          result.evaluated++;
          const kind = transition(rule, m);
          if (kind && (await applyTransition(deps, rule, kind, m, orgNames.get(rule.organizationId) ?? "", now))) {
            if (kind === "fire") result.fired++;
            else result.resolved++;
            deps.log.info({ ruleId: rule.id, organizationId: rule.organizationId, state: kind === "fire" ? "firing" : "resolved", value: m.value }, "alert rule changed state");
          } else if (m.value !== rule.lastValue) {
            await deps.db.update(alertRules).set({ lastValue: m.value }).where(eq(alertRules.id, rule.id));
          }
        } catch (err) {
          deps.log.error({ err, ruleId: rule.id }, "alert rule evaluation failed");
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, worker));
  }
  if (options.deliver ?? true) result.delivered = await sendPendingDeliveries(deps);
  result.ms = Date.now() - started;
  return result;
}
