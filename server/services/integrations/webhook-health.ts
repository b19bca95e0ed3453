/**
 * Ingestion health for the Integrations page (DESIGN.md §8, §14): recent deliveries and refused ones, the ElevenLabs
 * workspace webhook's own status, token rotation, and a signed test delivery to the organization's own URL.
 */
import { and, desc, eq, gt, lt, or, sql } from "drizzle-orm";
import type { DeliveriesPage, TestEventResult, WebhookStatus } from "@shared/ingestion-schemas";
import type { Integration } from "@shared/schemas";
import { integrations, webhookEvents, webhookRejections } from "../../db/schema";
import type { Ctx } from "../context";
import { AppError } from "../../lib/errors";
import { ElevenLabsError } from "../../elevenlabs/errors";
import { signatureHeader } from "../../elevenlabs/webhook-signature";
import { recordAudit } from "../audit/record-audit";
import { parseApiInstant, STORED_YEARS } from "@shared/dates";
import { TEST_EVENT_TYPE } from "../ingestion/interpret";
import { elevenLabsClient, getIntegration } from "./integration-service";

/** How long the previous webhook URL keeps working after a rotation. */
export const TOKEN_GRACE_MS = 24 * 60 * 60 * 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(cursor: string | undefined): { at: string; id: string } | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof at === "string" && parseApiInstant(at, STORED_YEARS) !== null && typeof id === "string" && UUID.test(id)) return { at, id };
  } catch {
    // fall through
  }
  throw new AppError("invalid_input", 400, "Some fields are invalid", { cursor: "Invalid cursor" });
}

export async function listDeliveries(ctx: Ctx, query: { limit: number; cursor?: string }): Promise<DeliveriesPage> {
  const after = decodeCursor(query.cursor);
  const at = sql<string>`to_char(${webhookEvents.receivedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const rows = await ctx.db
    .select({
      id: webhookEvents.id,
      type: webhookEvents.type,
      conversationId: webhookEvents.conversationId,
      source: webhookEvents.source,
      receivedAt: webhookEvents.receivedAt,
      at,
      state: webhookEvents.state,
      error: webhookEvents.error,
    })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.organizationId, ctx.organizationId),
        after
          ? or(lt(webhookEvents.receivedAt, new Date(after.at)), and(eq(webhookEvents.receivedAt, sql`${after.at}::timestamptz`), lt(webhookEvents.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const rejected = await ctx.db
    .select({ code: webhookRejections.code, count: sql<number>`sum(${webhookRejections.count})::int` })
    .from(webhookRejections)
    .where(and(eq(webhookRejections.organizationId, ctx.organizationId), gt(webhookRejections.minute, new Date(ctx.now().getTime() - 24 * 3600 * 1000))))
    .groupBy(webhookRejections.code);
  const [lastWebhook] = await ctx.db
    .select({ at: webhookEvents.receivedAt })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.organizationId, ctx.organizationId), eq(webhookEvents.source, "webhook")))
    .orderBy(desc(webhookEvents.receivedAt))
    .limit(1);
  return {
    lastWebhookAt: lastWebhook ? lastWebhook.at.toISOString() : null,
    data: page.map(({ at: _at, receivedAt, ...r }) => ({ ...r, receivedAt: receivedAt.toISOString() })),
    nextCursor: rows.length > query.limit ? Buffer.from(JSON.stringify([last.at, last.id])).toString("base64url") : null,
    rejected24h: Object.fromEntries(rejected.map((r) => [r.code, r.count])),
  };
}

/** A new webhook URL; the previous one keeps working for TOKEN_GRACE_MS, then answers 401. */
export async function rotateWebhookToken(ctx: Ctx, ip?: string): Promise<Integration> {
  await ctx.ingestion.rotateWebhookToken(new Date(ctx.now().getTime() + TOKEN_GRACE_MS));
  await recordAudit(ctx.db, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "integration.webhook_url_rotated", target: "elevenlabs", ip });
  return getIntegration(ctx);
}

/** The ElevenLabs workspace webhooks and their health, when the key may read them. */
export async function workspaceWebhookStatus(ctx: Ctx): Promise<WebhookStatus> {
  const [row] = await ctx.db
    .select({ key: integrations.encryptedApiKey })
    .from(integrations)
    .where(and(eq(integrations.organizationId, ctx.organizationId), eq(integrations.provider, "elevenlabs")));
  if (!row?.key) return { available: false, reason: "integration_required", webhooks: [] };
  const apiKey = ctx.encryptor.decrypt(row.key, ctx.organizationId, "elevenlabs_api_key");
  const ours = (await getIntegration(ctx)).webhook.url;
  try {
    const { webhooks } = await elevenLabsClient(ctx, apiKey).listWorkspaceWebhooks();
    return {
      available: true,
      reason: null,
      webhooks: webhooks.map((w) => ({
        id: w.webhook_id,
        name: w.name ?? null,
        url: w.webhook_url ?? null,
        isDisabled: w.is_disabled === true,
        isAutoDisabled: w.is_auto_disabled === true,
        mostRecentFailureErrorCode: w.most_recent_failure_error_code ?? null,
        mostRecentFailureAt: typeof w.most_recent_failure_timestamp === "number" ? new Date(w.most_recent_failure_timestamp * 1000).toISOString() : null,
        pointsHere: (w.webhook_url ?? "").split("?")[0] === ours,
      })),
    };
  } catch (err) {
    if (!(err instanceof ElevenLabsError)) throw err;
    return { available: false, reason: err.code, webhooks: [] };
  }
}

/** Signs a sample event with the organization's secret and delivers it to the organization's own webhook URL. */
export async function sendTestEvent(ctx: Ctx): Promise<TestEventResult> {
  const [row] = await ctx.db
    .select({ secret: integrations.encryptedWebhookSecret })
    .from(integrations)
    .where(and(eq(integrations.organizationId, ctx.organizationId), eq(integrations.provider, "elevenlabs")));
  if (!row?.secret) throw new AppError("webhook_secret_required", 409, "Save the webhook secret from ElevenLabs first");
  const secret = ctx.encryptor.decrypt(row.secret, ctx.organizationId, "elevenlabs_webhook_secret");
  const url = (await getIntegration(ctx)).webhook.url;
  const body = JSON.stringify({
    type: TEST_EVENT_TYPE,
    event_timestamp: Math.floor(ctx.now().getTime() / 1000),
    data: { message: "A test delivery from the VoiceAI Dashboard. No call is created.", sent_at: ctx.now().toISOString() },
  });
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "elevenlabs-signature": signatureHeader(secret, body, Math.floor(ctx.now().getTime() / 1000)) },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel().catch(() => {});
    return { delivered: res.status === 200, status: res.status, error: res.status === 200 ? null : `The webhook URL answered ${res.status}`, url };
  } catch {
    return { delivered: false, status: null, error: "The webhook URL could not be reached from the server", url };
  }
}
