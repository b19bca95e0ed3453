/**
 * Which organization an organization webhook URL belongs to, and its (encrypted) secret. Looked up before the body
 * is read, so an unknown token costs no body. Answers are cached per app (WebhookTokenCache); the inbox insert
 * re-checks, in the same statement, that the token and the secret used are still current (accepted-insert.ts), so
 * no instance accepts a rotated or deleted secret once the request that changed it has returned.
 */
import { randomBytes } from "node:crypto";
import { and, eq, or, gt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { integrations, organizations } from "../../db/schema";
import { policyColumns, policyOfRow } from "../redaction/ingestion-policy";
import { TOKEN_CHANNEL, type TokenOwner, type WebhookTokenCache } from "./webhook-token-cache";

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export async function findTokenOwner(db: Db, cache: WebhookTokenCache, token: string, now: Date): Promise<TokenOwner | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const hit = cache.get(token, now);
  if (hit) return hit;
  const [row] = await db
    .select({
      organizationId: organizations.id,
      encryptedSecret: integrations.encryptedWebhookSecret,
      current: sql<boolean>`${organizations.webhookToken} = ${token}`,
      previousExpiresAt: organizations.previousWebhookTokenExpiresAt,
      ...policyColumns,
    })
    .from(organizations)
    .leftJoin(integrations, and(eq(integrations.organizationId, organizations.id), eq(integrations.provider, "elevenlabs")))
    .where(or(eq(organizations.webhookToken, token), and(eq(organizations.previousWebhookToken, token), gt(organizations.previousWebhookTokenExpiresAt, now))));
  if (!row) {
    cache.delete(token);
    return null;
  }
  const owner = { organizationId: row.organizationId, encryptedSecret: row.encryptedSecret, expiresAt: row.current ? null : row.previousExpiresAt, policy: policyOfRow(row) };
  cache.set(token, owner, now);
  return owner;
}

/** Moves the current token to `previous_webhook_token` until `previousUntil`, sets a new random one, and tells every instance. */
export async function rotateWebhookToken(db: Db, cache: WebhookTokenCache, organizationId: string, previousUntil: Date): Promise<void> {
  await db
    .update(organizations)
    .set({ previousWebhookToken: sql`${organizations.webhookToken}`, previousWebhookTokenExpiresAt: previousUntil, webhookToken: randomBytes(24).toString("base64url") })
    .where(eq(organizations.id, organizationId));
  await forgetWebhookSecrets(db, cache, organizationId);
}

/** Called when an organization's webhook secret, integration, token or ingestion policy changes: every instance forgets it. */
export async function forgetWebhookSecrets(db: Db, cache: WebhookTokenCache, organizationId: string): Promise<void> {
  cache.forget(organizationId);
  await db.execute(sql`select pg_notify(${TOKEN_CHANNEL}, ${organizationId})`);
}
