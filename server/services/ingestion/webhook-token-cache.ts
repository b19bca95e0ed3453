/**
 * Organization webhook URLs resolved recently (token -> organization, its *encrypted* secret, and when a previous
 * token stops working), one cache per app (AppDeps), never a module global. Busy agents deliver many times a second;
 * the lookup was a query on every one. The cache is a shortcut, never the authority: the inbox insert re-checks the
 * token and secret in the same statement (accepted-insert.ts). A change of secret, a deletion
 * or a rotation drops the organization's entries on this instance at once and on every other one through NOTIFY
 * (`listenForTokenChanges`), so no instance keeps an answer that the database no longer gives.
 */
import type pg from "pg";
import { listenOn, type Listener } from "../../db/listen";
import type { Logger } from "../../lib/logger";
import type { IngestionPolicy } from "../redaction/ingestion-policy";

export type TokenOwner = {
  organizationId: string;
  /** Null when the organization configured no webhook secret. */
  encryptedSecret: string | null;
  /** Set for a previous token in its grace period: it stops working then. */
  expiresAt: Date | null;
  /** What the organization lets ingestion keep (redaction, recordings), read with the token: no query per delivery. */
  policy: IngestionPolicy;
};

export const TOKEN_CACHE_MS = 10_000;
export const TOKEN_CHANNEL = "vad_webhook_tokens";
const MAX_ENTRIES = 10_000;

export class WebhookTokenCache {
  private readonly entries = new Map<string, { at: number; owner: TokenOwner }>();

  /** The owner cached for `token`, if the entry is fresh and the token still valid at `now`. */
  get(token: string, now: Date): TokenOwner | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (now.getTime() - entry.at >= TOKEN_CACHE_MS || (entry.owner.expiresAt && entry.owner.expiresAt <= now)) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.owner;
  }

  set(token: string, owner: TokenOwner, now: Date): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(token, { at: now.getTime(), owner });
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  /** Drops one organization's entries (or all of them, after the notification channel was lost). */
  forget(organizationId: string | null): void {
    if (organizationId === null) return this.entries.clear();
    for (const [token, entry] of this.entries) if (entry.owner.organizationId === organizationId) this.entries.delete(token);
  }
}

/**
 * LISTENs on TOKEN_CHANNEL and forgets what other instances changed. When the connection is lost (and again when
 * it is back) the whole cache is dropped: a notification may have been missed meanwhile.
 */
export function listenForTokenChanges(pool: pg.Pool, cache: WebhookTokenCache, log?: Logger): Listener {
  return listenOn(pool, TOKEN_CHANNEL, {
    notification: (msg) => {
      if (msg.channel === TOKEN_CHANNEL) cache.forget(msg.payload || null);
    },
    listening: () => cache.forget(null), // whatever changed while nobody listened
    lost: (err) => {
      if (err) log?.warn({ err: { message: err.message } }, "webhook token listener lost its connection");
      cache.forget(null);
    },
  });
}
