/**
 * Alert evaluation and weekly digests on pg-boss. One evaluation job at a time across all instances: every instance
 * offers a job each interval through sendThrottled (pg-boss keeps one per time slot whoever offers it), and the
 * queue's "singleton" policy lets only one run at once. Rules are also claimed with SKIP LOCKED, so even overlapping
 * runs evaluate each rule once.
 */
import type PgBoss from "pg-boss";
import type { AppDeps } from "../lib/context";
import { evaluateAlerts } from "../services/alerts/evaluate";
import { sendDueDigests } from "../services/alerts/digest";

export const ALERT_QUEUE = "alerts-evaluate";
export const DIGEST_QUEUE = "weekly-digest";

export type AlertJobs = { stop(): void };

/** Queue set-up: called under the start-up lock with the other queues (creating a queue is not safe to race). */
export async function createAlertQueues(boss: PgBoss, deps: Pick<AppDeps, "env">): Promise<void> {
  await boss.createQueue(ALERT_QUEUE, { name: ALERT_QUEUE, policy: "singleton", retryLimit: 0, expireInSeconds: Math.max(60, deps.env.alertIntervalSeconds * 5) });
  await boss.createQueue(DIGEST_QUEUE, { name: DIGEST_QUEUE, policy: "singleton", retryLimit: 2, retryDelay: 300 });
}

export async function startAlertJobs(boss: PgBoss, deps: AppDeps): Promise<AlertJobs> {
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
