/**
 * Alert evaluation and weekly digests on pg-boss: the cross-organization part (which rules are due, which deliveries
 * are pending, which organizations to mail) runs here on the owner handle; each rule, delivery and digest is then
 * handled in its organization's tenant context (decision 003).
 *
 * One evaluation job at a time across all instances: every instance offers a job each interval through sendThrottled
 * (pg-boss keeps one per time slot whoever offers it), and the queue's "singleton" policy lets only one run at once.
 * Rules are also claimed with FOR UPDATE SKIP LOCKED and stamped, so even overlapping runs evaluate each rule once.
 */
import { sql } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { AppDeps } from "../deps";
import { tenantCtx } from "../tenant-context";
import { alertRules, organizations } from "../db/schema";
import { LEASE_SECONDS, sendClaimedDeliveries } from "../services/alerts/deliveries";
import { evaluateRule, type RuleRow } from "../services/alerts/evaluate";
import { digestDue, mailDigest } from "../services/alerts/digest";
import type { MeasureCache } from "../services/alerts/metrics";

export const ALERT_QUEUE = "alerts-evaluate";
export const DIGEST_QUEUE = "weekly-digest";

export type EvaluationResult = { evaluated: number; fired: number; resolved: number; delivered: number; ms: number };

export type EvaluateOptions = {
  /** A rule evaluated less than this long ago is skipped (another instance just did it). Default: half the interval. */
  minGapSeconds?: number;
  /** Send the new deliveries in this run (default true). */
  deliver?: boolean;
  concurrency?: number;
};

/** Stamps and returns every enabled rule not evaluated for `minGapSeconds`; concurrent runs split them. */
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
  return deps.db
    .select()
    .from(alertRules)
    .where(sql`${alertRules.id} in ${rows.map((r) => r.id)}`);
}

/** Sends every pending delivery whose lease is free (crash leftovers included), per organization. */
export async function sendPendingDeliveries(deps: AppDeps, limit = 200): Promise<number> {
  const { rows } = await deps.db.execute<{ id: string; organization_id: string }>(sql`
    update alert_deliveries set lease_until = now() + make_interval(secs => ${LEASE_SECONDS})
    where id in (
      select id from alert_deliveries
      where state = 'pending' and (lease_until is null or lease_until < now())
      order by created_at
      limit ${limit}
      for update skip locked
    )
    returning id, organization_id`);
  const byOrg = new Map<string, string[]>();
  for (const r of rows) byOrg.set(r.organization_id, [...(byOrg.get(r.organization_id) ?? []), r.id]);
  const sent = await Promise.all([...byOrg].map(([org, ids]) => sendClaimedDeliveries(tenantCtx(deps, org), ids)));
  return sent.reduce((a, b) => a + b, 0);
}

/** One evaluation run over every due rule of every organization, then the pending deliveries. */
export async function evaluateAlerts(deps: AppDeps, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const started = Date.now();
  const now = deps.now();
  const minGap = options.minGapSeconds ?? Math.max(1, Math.floor(deps.env.alertIntervalSeconds / 2));
  const queue = await claimDueRules(deps, now, minGap);
  const result: EvaluationResult = { evaluated: 0, fired: 0, resolved: 0, delivered: 0, ms: 0 };
  const cache: MeasureCache = new Map();
  const worker = async () => {
    for (let rule = queue.shift(); rule; rule = queue.shift()) {
      try {
        const outcome = await evaluateRule(tenantCtx(deps, rule.organizationId), rule, now, cache);
        result.evaluated++;
        if (outcome === "fired") result.fired++;
        if (outcome === "resolved") result.resolved++;
      } catch (err) {
        deps.log.error({ err, ruleId: rule.id }, "alert rule evaluation failed");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, worker));
  if (options.deliver ?? true) result.delivered = await sendPendingDeliveries(deps);
  result.ms = Date.now() - started;
  return result;
}

/** Mails last week's digest to every organization whose Monday morning it is, once per week. Returns how many. */
export async function sendDueDigests(deps: AppDeps): Promise<number> {
  if (!deps.env.smtpUrl) return 0;
  const now = deps.now();
  const orgs = await deps.db.select({ id: organizations.id }).from(organizations);
  let sent = 0;
  for (const { id } of orgs) {
    const ctx = tenantCtx(deps, id);
    try {
      if ((await digestDue(ctx, now)) && (await mailDigest(ctx, now))) sent++;
    } catch (err) {
      deps.log.error({ err, organizationId: id }, "weekly digest failed");
    }
  }
  return sent;
}

/** Queue set-up: called under the start-up lock with the other queues (creating a queue is not safe to race). */
export async function createAlertQueues(boss: PgBoss, deps: Pick<AppDeps, "env">): Promise<void> {
  await boss.createQueue(ALERT_QUEUE, { name: ALERT_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: Math.max(60, deps.env.alertIntervalSeconds * 5) });
  await boss.createQueue(DIGEST_QUEUE, { name: DIGEST_QUEUE, policy: "singleton", retryLimit: 2, retryDelay: 300 });
}

export async function startAlertJobs(boss: PgBoss, deps: AppDeps): Promise<{ stop(): void }> {
  const interval = deps.env.alertIntervalSeconds;
  await boss.work(ALERT_QUEUE, { pollingIntervalSeconds: Math.min(2, Math.max(0.5, interval / 4)) }, async () => {
    const result = await evaluateAlerts(deps);
    if (result.evaluated || result.delivered) deps.log.info(result, "alert rules evaluated");
  });
  await boss.work(DIGEST_QUEUE, async () => {
    const sent = await sendDueDigests(deps);
    if (sent) deps.log.info({ organizations: sent }, "weekly digests mailed");
  });
  // Digests: checked every 15 minutes; each organization's Monday morning is decided in its own zone.
  await boss.schedule(DIGEST_QUEUE, "*/15 * * * *");
  if (interval <= 0) return { stop() {} };
  const offer = () => {
    boss.sendThrottled(ALERT_QUEUE, {}, {}, interval).catch((err: unknown) => deps.log.error({ err }, "queueing the alert evaluation failed"));
  };
  offer();
  const timer = setInterval(offer, Math.max(500, (interval * 1000) / 2));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
