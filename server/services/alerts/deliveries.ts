/**
 * Sending one delivery (an event or a test, to one channel): up to 3 attempts with backoff, every attempt appended
 * to the row. The job claims pending deliveries with a lease (server/jobs/alert-jobs.ts), so an instance that dies
 * mid-way leaves them to the next run on any instance, and two instances never send the same one at once.
 */
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { alertChannels, alertDeliveries, type AlertAttempt } from "../../db/schema";
import type { Ctx } from "../context";
import { sendMail } from "../../lib/mailer";
import { emailBody, slackBody, type AlertMessage } from "./messages";
import { postOnce, TargetRefused } from "./outbound";

export const MAX_ATTEMPTS = 3;
/** Waits before the 2nd and 3rd attempts. */
export const RETRY_DELAYS_MS = [1_000, 3_000];
/** How long a claimed delivery stays with the instance that claimed it. */
export const LEASE_SECONDS = 60;

type ChannelRow = typeof alertChannels.$inferSelect;
type DeliveryRow = typeof alertDeliveries.$inferSelect;

export type DeliveryResult = { ok: boolean; status: number | null; error: string | null; attempts: number };

export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll("-", "")}`;
}

function mailFrom(ctx: Ctx): string {
  return `VoiceAI Dashboard <alerts@${new URL(ctx.config.appUrl).hostname}>`;
}

/** One attempt at one channel; resolves with the HTTP status (null for email). */
async function attemptOnce(ctx: Ctx, channel: ChannelRow, messageId: string, message: AlertMessage): Promise<number | null> {
  const target = ctx.encryptor.decrypt(channel.encryptedTarget, channel.organizationId, "alert_channel_target");
  const allowPrivate = ctx.config.allowPrivateTargets;
  if (channel.type === "slack") return (await postOnce(target, JSON.stringify(slackBody(message)), {}, allowPrivate)).status;
  if (channel.type === "webhook") {
    const secret = ctx.encryptor.decrypt(channel.encryptedSecret ?? "", channel.organizationId, "alert_channel_secret");
    const body = JSON.stringify(message);
    const timestamp = new Date();
    const signature = new Webhook(secret).sign(messageId, timestamp, body);
    const headers = { "webhook-id": messageId, "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "webhook-signature": signature };
    return (await postOnce(target, body, headers, allowPrivate)).status;
  }
  if (!ctx.config.smtpUrl) throw new TargetRefused("smtp_not_configured", "No mail server is configured (SMTP_URL)");
  const mail = emailBody(message);
  await sendMail(ctx.config.smtpUrl, mailFrom(ctx), { to: target, ...mail });
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends a delivery row now, recording each attempt on it. Never throws for the target's failures. */
export async function sendDelivery(ctx: Ctx, delivery: DeliveryRow, channel: ChannelRow): Promise<DeliveryResult> {
  const message = delivery.payload as AlertMessage;
  let last: AlertAttempt = { at: new Date().toISOString(), status: null, error: null, ms: 0 };
  let attempts = delivery.attempts.length;
  let ok = false;
  while (attempts < MAX_ATTEMPTS) {
    if (attempts > 0) await sleep(RETRY_DELAYS_MS[Math.min(attempts - 1, RETRY_DELAYS_MS.length - 1)]);
    const started = Date.now();
    let permanent = false;
    try {
      const status = await attemptOnce(ctx, channel, delivery.messageId, message);
      last = { at: new Date(started).toISOString(), status, error: null, ms: Date.now() - started };
      ok = true;
    } catch (err) {
      permanent = err instanceof TargetRefused;
      const status = (err as { status?: number }).status ?? null;
      const code = err instanceof TargetRefused ? `${err.code}: ` : "";
      last = { at: new Date(started).toISOString(), status, error: `${code}${(err as Error).message}`.slice(0, 300), ms: Date.now() - started };
    }
    attempts++;
    const done = ok || permanent || attempts >= MAX_ATTEMPTS;
    await ctx.db
      .update(alertDeliveries)
      .set({
        attempts: sql`${alertDeliveries.attempts} || ${JSON.stringify([last])}::jsonb`,
        lastStatus: last.status,
        lastError: last.error,
        ...(done ? { state: ok ? ("sent" as const) : ("failed" as const), finishedAt: new Date(), leaseUntil: null } : {}),
      })
      .where(and(eq(alertDeliveries.id, delivery.id), eq(alertDeliveries.organizationId, delivery.organizationId)));
    if (done) break;
  }
  if (!ok) ctx.log.warn({ deliveryId: delivery.id, channelId: channel.id, status: last.status, error: last.error }, "alert delivery failed");
  return { ok, status: last.status, error: last.error, attempts };
}

/** Sends the organization's deliveries with these ids (claimed by the job), a few at a time. */
export async function sendClaimedDeliveries(ctx: Ctx, ids: string[]): Promise<number> {
  if (!ids.length) return 0;
  const rows = await ctx.db
    .select({ delivery: alertDeliveries, channel: alertChannels })
    .from(alertDeliveries)
    .innerJoin(alertChannels, eq(alertChannels.id, alertDeliveries.channelId))
    .where(and(eq(alertDeliveries.organizationId, ctx.organizationId), inArray(alertDeliveries.id, ids)));
  const queue = [...rows];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await sendDelivery(ctx, next.delivery, next.channel);
  };
  await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
  return rows.length;
}
