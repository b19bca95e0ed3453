/**
 * Which organization an organization webhook URL belongs to, and its (encrypted) secret. Looked up before the body
 * is read, so an unknown token costs no body. Recent answers are cached per database pool for TOKEN_CACHE_MS; a
 * change of secret, deletion or token rotation drops the entries on this process at once and on every other one
 * through NOTIFY. The cache is a shortcut, never the authority: the inbox insert re-checks, in the same statement,
 * that the token and the secret used are still current (acceptedInsertGuard), so no instance accepts a rotated or
 * deleted secret once the request that changed it has returned.
 */
import { and, eq, or, gt, sql } from "drizzle-orm";
import type pg from "pg";
import type { Db } from "../../db/client";
import { integrations, organizations } from "../../db/schema";

export const TOKEN_CHANNEL = "vad_webhook_tokens";
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
const TOKEN_CACHE_MS = 10_000;

export type TokenOwner = {
  organizationId: string;
  /** Null when the organization configured no webhook secret. */
  encryptedSecret: string | null;
  /** Set for a previous token in its grace period: it stops working then. */
  expiresAt: Date | null;
};

type Entry = { at: number; owner: TokenOwner };
const caches = new WeakMap<pg.Pool, Map<string, Entry>>();

function cacheOf(db: Db) {
  let cache = caches.get(db.$client);
  if (!cache) caches.set(db.$client, (cache = new Map()));
  return cache;
}

export async function findTokenOwner(db: Db, token: string, now: Date): Promise<TokenOwner | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const cache = cacheOf(db);
  const hit = cache.get(token);
  if (hit && now.getTime() - hit.at < TOKEN_CACHE_MS && (!hit.owner.expiresAt || hit.owner.expiresAt > now)) return hit.owner;
  const [row] = await db
    .select({
      organizationId: organizations.id,
      encryptedSecret: integrations.encryptedWebhookSecret,
      current: sql<boolean>`${organizations.webhookToken} = ${token}`,
      previousExpiresAt: organizations.previousWebhookTokenExpiresAt,
    })
    .from(organizations)
    .leftJoin(integrations, and(eq(integrations.organizationId, organizations.id), eq(integrations.provider, "elevenlabs")))
    .where(or(eq(organizations.webhookToken, token), and(eq(organizations.previousWebhookToken, token), gt(organizations.previousWebhookTokenExpiresAt, now))));
  if (!row) {
    cache.delete(token);
    return null;
  }
  const owner = { organizationId: row.organizationId, encryptedSecret: row.encryptedSecret, expiresAt: row.current ? null : row.previousExpiresAt };
  if (cache.size >= 10_000) cache.clear();
  cache.set(token, { at: now.getTime(), owner });
  return owner;
}

/** Drops this process's entries of one organization (or all, after a lost notification channel). */
export function forgetTokensLocally(db: Db, organizationId: string | null): void {
  const cache = cacheOf(db);
  if (organizationId === null) return cache.clear();
  for (const [token, entry] of cache) if (entry.owner.organizationId === organizationId) cache.delete(token);
}

/** Called when an organization's webhook secret, integration or token changes: every instance forgets it. */
export async function forgetWebhookSecrets(db: Db, organizationId: string): Promise<void> {
  forgetTokensLocally(db, organizationId);
  await db.execute(sql`select pg_notify(${TOKEN_CHANNEL}, ${organizationId})`);
}

/**
 * The condition an inbox insert carries: the secret that verified the delivery is still the organization's, and
 * (on an organization URL) the token still current or in its grace period.
 */
export function acceptedInsertGuard(organizationId: string, encryptedSecret: string, token: string | null, now: Date) {
  const tokenCheck = token
    ? sql`and exists (select 1 from ${organizations} o where o.id = ${organizationId} and (o.webhook_token = ${token} or (o.previous_webhook_token = ${token} and o.previous_webhook_token_expires_at > ${now})))`
    : sql``;
  return sql`exists (select 1 from ${integrations} i where i.organization_id = ${organizationId} and i.provider = 'elevenlabs' and i.encrypted_webhook_secret = ${encryptedSecret}) ${tokenCheck}`;
}
