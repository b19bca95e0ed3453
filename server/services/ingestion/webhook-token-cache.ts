/**
 * Per-organization webhook URLs resolved recently (token -> organization and its *encrypted* secret), one cache per
 * app (AppDeps), never a module global. Busy agents deliver many times a second; the lookup was a query on every
 * one (npm run bench, ingestion). An entry lives TOKEN_CACHE_MS, only answers that verified are kept, a signature
 * that fails against a cached secret is checked again against the database (so a new secret works at once), and
 * saving or deleting an integration drops its organization's entries in this process. Another instance may accept
 * the old secret for TOKEN_CACHE_MS.
 */
export type WebhookCandidate = { organizationId: string; encryptedSecret: string };

export const TOKEN_CACHE_MS = 10_000;

export class WebhookTokenCache {
  private readonly entries = new Map<string, { at: number; candidates: WebhookCandidate[] }>();

  /** The candidates cached for `token`, if still fresh at `nowMs`. */
  get(token: string, nowMs: number): WebhookCandidate[] | undefined {
    const entry = this.entries.get(token);
    return entry && nowMs - entry.at < TOKEN_CACHE_MS ? entry.candidates : undefined;
  }

  set(token: string, candidates: WebhookCandidate[], nowMs: number): void {
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(token, { at: nowMs, candidates });
  }

  /** Called when an organization's webhook secret or integration changes. */
  forget(organizationId: string): void {
    for (const [token, entry] of this.entries) if (entry.candidates.some((c) => c.organizationId === organizationId)) this.entries.delete(token);
  }
}
