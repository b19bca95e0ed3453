/** Alert channels: targets are secrets (encrypted at rest like API keys, shown only as a hint); "Send test" on each. */
import { randomBytes } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AlertChannel, ChannelCreated, CreateChannelInput, DeliveryOutcome } from "@shared/alert-schemas";
import { alertChannels, alertDeliveries, alertRules, organizations } from "../../db/schema";
import type { Ctx } from "../context";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";
import { newMessageId, sendDelivery } from "./deliveries";
import type { AlertMessage } from "./messages";
import { assertPublicHost, parseTargetUrl, TargetRefused } from "./outbound";

type ChannelRow = typeof alertChannels.$inferSelect;

const emailList = z.array(z.string().trim().toLowerCase().email()).min(1).max(20);

function toView(row: ChannelRow): AlertChannel {
  return { id: row.id, type: row.type, name: row.name, targetHint: row.targetHint, createdAt: row.createdAt.toISOString() };
}

/** "https://hooks.slack.com/…x9Qz": the host and the last 4 characters; emails keep their domains only. */
export function hintFor(type: ChannelRow["type"], target: string): string {
  if (type === "email") {
    const emails = target.split(",").map((e) => e.trim());
    const first = emails[0];
    const at = first.indexOf("@");
    return `${first.slice(0, 1)}…${first.slice(at)}${emails.length > 1 ? ` +${emails.length - 1}` : ""}`;
  }
  const url = new URL(target);
  return `${url.protocol}//${url.host}/…${target.slice(-4)}`;
}

async function normalizeTarget(ctx: Ctx, input: CreateChannelInput): Promise<string> {
  if (input.type === "email") {
    const parsed = emailList.safeParse(input.target.split(","));
    if (!parsed.success) throw new AppError("invalid_input", 400, "Some fields are invalid", { target: "Enter one or more email addresses, separated by commas" });
    return parsed.data.join(", ");
  }
  try {
    const url = parseTargetUrl(input.target, ctx.config.allowPrivateTargets);
    await assertPublicHost(url, ctx.config.allowPrivateTargets);
    return url.toString();
  } catch (err) {
    if (err instanceof TargetRefused) throw new AppError(err.code, 400, err.message, { target: err.message });
    throw err;
  }
}

export async function listChannels(ctx: Ctx): Promise<{ data: AlertChannel[] }> {
  const rows = await ctx.db
    .select()
    .from(alertChannels)
    .where(eq(alertChannels.organizationId, ctx.organizationId))
    .orderBy(asc(alertChannels.createdAt), asc(alertChannels.id));
  return { data: rows.map(toView) };
}

export async function createChannel(ctx: Ctx, input: CreateChannelInput, ip?: string): Promise<ChannelCreated> {
  if (input.type === "email" && !ctx.config.smtpUrl)
    throw new AppError("smtp_not_configured", 409, "Email channels need a mail server: set SMTP_URL on the server");
  const target = await normalizeTarget(ctx, input);
  const { encryptor } = ctx;
  // Standard Webhooks secret: whsec_ and 24 random bytes in base64.
  const secret = input.type === "webhook" ? `whsec_${randomBytes(24).toString("base64")}` : undefined;
  const row = await ctx.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(alertChannels)
      .values({
        organizationId: ctx.organizationId,
        type: input.type,
        name: input.name,
        encryptedTarget: encryptor.encrypt(target, ctx.organizationId, "alert_channel_target"),
        targetHint: hintFor(input.type, target),
        encryptedSecret: secret ? encryptor.encrypt(secret, ctx.organizationId, "alert_channel_secret") : null,
      })
      .returning();
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "alert_channel.created", target: `${input.type}: ${input.name}`, ip });
    return created;
  });
  return { ...toView(row), ...(secret ? { secret } : {}) };
}

async function findChannel(ctx: Ctx, id: string): Promise<ChannelRow> {
  const [row] = await ctx.db
    .select()
    .from(alertChannels)
    .where(and(eq(alertChannels.id, id), eq(alertChannels.organizationId, ctx.organizationId)));
  if (!row) throw notFound("Channel");
  return row;
}

export async function deleteChannel(ctx: Ctx, id: string, ip?: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(alertChannels)
      .where(and(eq(alertChannels.id, id), eq(alertChannels.organizationId, ctx.organizationId)))
      .returning();
    if (!row) throw notFound("Channel");
    // Rules stop naming it.
    await tx
      .update(alertRules)
      .set({ channelIds: sql`array_remove(${alertRules.channelIds}, ${id}::uuid)` })
      .where(and(eq(alertRules.organizationId, ctx.organizationId), sql`${id}::uuid = any(${alertRules.channelIds})`));
    await recordAudit(tx, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "alert_channel.deleted", target: `${row.type}: ${row.name}`, ip });
  });
}

/** "Send test": one delivery (recorded like any other), sent now; answers its outcome. */
export async function testChannel(ctx: Ctx, id: string, ip?: string): Promise<DeliveryOutcome> {
  const channel = await findChannel(ctx, id);
  const [org] = await ctx.db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, ctx.organizationId));
  const now = ctx.now();
  const message: AlertMessage = {
    type: "alert.test",
    rule: { id: "test", name: channel.name, metric: "failure_rate", agentId: null, criterionId: null, windowMinutes: 60, comparator: "above", minCalls: 0 },
    value: null,
    threshold: 0,
    calls: null,
    window: { from: new Date(now.getTime() - 3_600_000).toISOString(), to: now.toISOString() },
    organization: { id: ctx.organizationId, name: org?.name ?? "" },
    url: `${ctx.config.appUrl}/alerts`,
  };
  const [delivery] = await ctx.db
    .insert(alertDeliveries)
    .values({ organizationId: ctx.organizationId, channelId: channel.id, eventId: null, messageId: newMessageId(), payload: message, leaseUntil: new Date(now.getTime() + 60_000) })
    .returning();
  await recordAudit(ctx.db, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "alert_channel.tested", target: `${channel.type}: ${channel.name}`, ip });
  const result = await sendDelivery(ctx, delivery, channel);
  return { channelId: channel.id, ...result };
}
