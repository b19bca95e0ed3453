/** The organization's ElevenLabs connection: the key and webhook secret, encrypted; its status. */
import { and, eq, sql } from "drizzle-orm";
import type { Integration } from "@shared/schemas";
import { integrations, organizations } from "../../db/schema";
import type { Ctx } from "../context";
import { AppError } from "../../lib/errors";
import { ElevenLabsClient } from "../../elevenlabs/client";
import { ElevenLabsError } from "../../elevenlabs/errors";
import { recordAudit } from "../audit/record-audit";

type IntegrationRow = typeof integrations.$inferSelect;

async function findRow(ctx: Ctx): Promise<IntegrationRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(integrations)
    .where(and(eq(integrations.organizationId, ctx.organizationId), eq(integrations.provider, "elevenlabs")));
  return row;
}

async function webhookUrl(ctx: Ctx): Promise<string> {
  const [org] = await ctx.db
    .select({ token: organizations.webhookToken })
    .from(organizations)
    .where(eq(organizations.id, ctx.organizationId));
  return `${ctx.config.appUrl}/api/webhooks/elevenlabs/${org.token}`;
}

function toView(row: IntegrationRow | undefined, url: string): Integration {
  const hasKey = Boolean(row?.encryptedApiKey);
  return {
    provider: "elevenlabs",
    status: hasKey ? row!.status : "NOT_CONFIGURED",
    keyHint: hasKey && row!.keyHint ? `…${row!.keyHint}` : null,
    lastTestedAt: row?.lastTestedAt?.toISOString() ?? null,
    lastError: hasKey ? (row!.lastError ?? null) : null,
    webhook: { url, secretConfigured: Boolean(row?.encryptedWebhookSecret) },
  };
}

export async function getIntegration(ctx: Ctx): Promise<Integration> {
  return toView(await findRow(ctx), await webhookUrl(ctx));
}

export function elevenLabsClient(ctx: Ctx, apiKey: string): ElevenLabsClient {
  return ctx.elevenlabs(apiKey);
}

/** Tests a key against ElevenLabs; returns the status columns to store. */
async function checkKey(ctx: Ctx, apiKey: string, previous: IntegrationRow["status"] | null) {
  const now = ctx.now();
  try {
    await elevenLabsClient(ctx, apiKey).testKey();
    return { status: "ACTIVE" as const, lastError: null, lastTestedAt: now };
  } catch (err) {
    if (!(err instanceof ElevenLabsError)) throw err;
    // A rate limit or an outage says nothing about the key itself.
    const keyIsBad = err.code === "invalid_api_key" || err.code === "missing_permissions";
    return { status: keyIsBad ? ("ERROR" as const) : (previous ?? "PENDING"), lastError: err.summary, lastTestedAt: now };
  }
}

export async function saveIntegration(ctx: Ctx, input: { apiKey?: string; webhookSecret?: string }, ip?: string): Promise<Integration> {
  const existing = await findRow(ctx);
  if (!input.apiKey && !existing?.encryptedApiKey)
    throw new AppError("invalid_input", 400, "An API key is required the first time", { apiKey: "Paste your ElevenLabs API key" });
  const { encryptor } = ctx;
  const values: Partial<typeof integrations.$inferInsert> = { updatedAt: ctx.now() };
  if (input.apiKey) {
    Object.assign(values, await checkKey(ctx, input.apiKey, null), {
      encryptedApiKey: encryptor.encrypt(input.apiKey, ctx.organizationId, "elevenlabs_api_key"),
      keyHint: input.apiKey.slice(-4),
      syncBlockedUntil: null,
    });
  }
  if (input.webhookSecret)
    values.encryptedWebhookSecret = encryptor.encrypt(input.webhookSecret, ctx.organizationId, "elevenlabs_webhook_secret");
  await ctx.db
    .insert(integrations)
    .values({ organizationId: ctx.organizationId, provider: "elevenlabs", ...values })
    .onConflictDoUpdate({ target: [integrations.organizationId, integrations.provider], set: values });
  if (input.webhookSecret) await ctx.ingestion.webhookSecretsChanged();
  if (input.apiKey) await recordAudit(ctx.db, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "integration.key_changed", target: "elevenlabs", ip });
  if (input.webhookSecret)
    await recordAudit(ctx.db, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "integration.webhook_secret_changed", target: "elevenlabs", ip });
  return getIntegration(ctx);
}

export async function testIntegration(ctx: Ctx): Promise<Integration> {
  const row = await findRow(ctx);
  if (!row?.encryptedApiKey) throw new AppError("integration_required", 409, "Connect your ElevenLabs account first");
  const apiKey = ctx.encryptor.decrypt(row.encryptedApiKey, ctx.organizationId, "elevenlabs_api_key");
  const result = await checkKey(ctx, apiKey, row.status);
  await ctx.db
    .update(integrations)
    .set({ ...result, updatedAt: ctx.now(), ...(result.status === "ACTIVE" ? { syncBlockedUntil: null } : {}) })
    .where(and(eq(integrations.id, row.id), eq(integrations.organizationId, ctx.organizationId)));
  return getIntegration(ctx);
}

export async function deleteIntegration(ctx: Ctx, ip?: string): Promise<void> {
  await ctx.db
    .delete(integrations)
    .where(and(eq(integrations.organizationId, ctx.organizationId), eq(integrations.provider, "elevenlabs")));
  await ctx.ingestion.webhookSecretsChanged();
  await recordAudit(ctx.db, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "integration.deleted", target: "elevenlabs", ip });
}

/** The decrypted key for one outbound call; 409 integration_required when there is none. */
export async function requireApiKey(ctx: Ctx): Promise<string> {
  const row = await findRow(ctx);
  if (!row?.encryptedApiKey) throw new AppError("integration_required", 409, "Connect your ElevenLabs account first");
  return ctx.encryptor.decrypt(row.encryptedApiKey, ctx.organizationId, "elevenlabs_api_key");
}

/** A 401 from ElevenLabs: the key is bad; stop syncing until it changes. */
export async function markKeyRejected(ctx: Ctx, err: ElevenLabsError): Promise<void> {
  await ctx.db
    .update(integrations)
    .set({ status: "ERROR", lastError: err.summary, lastTestedAt: ctx.now(), updatedAt: sql`now()` })
    .where(and(eq(integrations.organizationId, ctx.organizationId), eq(integrations.provider, "elevenlabs")));
}

/** Maps an ElevenLabs failure to the HTTP answer of DESIGN.md §5 (422, 429, 502). */
export async function toAppError(ctx: Ctx, err: unknown): Promise<unknown> {
  if (!(err instanceof ElevenLabsError)) return err;
  switch (err.code) {
    case "invalid_api_key":
    case "missing_permissions":
      await markKeyRejected(ctx, err);
      return new AppError(err.code, 422, err.message);
    case "agent_not_found":
    case "not_found":
      return new AppError(err.code, 422, err.message);
    case "invalid_id":
      return new AppError("invalid_input", 400, err.message, { elevenLabsAgentId: err.message });
    case "rate_limited":
      return new AppError("rate_limited", 429, err.message);
    default:
      return new AppError(err.code, 502, err.message);
  }
}
