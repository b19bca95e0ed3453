/**
 * Webhook abuse limits (DESIGN.md §8): only failed verifications are counted (per client address on the shared URL,
 * per client address and token on organization URLs, shared by every instance through the rate_limits table), the
 * bytes held by bodies not yet verified are capped across all requests, and refused deliveries are counted by reason
 * for the ingestion-health panel (their bodies are never kept). One guard per createApp.
 */
import type pg from "pg";
import type { Db } from "../../db/client";
import { BatchedLimiter } from "../../lib/rate-limit";

/** Failed verifications a key may have in a minute before it is answered 429 before its body is read. */
export const FAILURES_PER_MINUTE = 100;
/** Bytes of unverified bodies all requests together may hold at once. */
export const UNVERIFIED_BYTES_CAP = 256 * 1024 * 1024;

/** Counts bytes of unverified bodies; a request over the cap waits (its socket is not read) until others finish. */
export class ByteBudget {
  private used = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(readonly cap: number) {}

  async take(n: number): Promise<void> {
    while (this.used > 0 && this.used + n > this.cap) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.used += n;
  }

  release(n: number): void {
    this.used = Math.max(0, this.used - n);
    for (const wake of this.waiting.splice(0)) wake();
  }

  inUse(): number {
    return this.used;
  }
}

/** Refused deliveries by organization and reason, added up in memory and written once a second. */
export class RejectionCounter {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly db: Db) {}

  add(organizationId: string | null, code: string): void {
    if (!organizationId) return; // nobody to show it to
    const key = `${organizationId}|${code}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch(() => {});
    }, 1_000);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const keys = [...batch.keys()];
    // Arrays as single parameters (Drizzle's sql template would spread them into a list).
    await this.db.$client.query(
      `insert into webhook_rejections as r (organization_id, minute, code, count)
       select o::uuid, date_trunc('minute', now()), c, n from unnest($1::text[], $2::text[], $3::int[]) as t(o, c, n)
       on conflict (organization_id, minute, code) do update set count = r.count + excluded.count`,
      [keys.map((k) => k.split("|")[0]), keys.map((k) => k.split("|")[1]), keys.map((k) => batch.get(k)!)],
    );
  }
}

export type WebhookGuard = {
  failures: BatchedLimiter;
  /** False: failures are counted (for the health panel) but never answered 429 (tests that post many bad deliveries). */
  limitFailures: boolean;
  budget: ByteBudget;
  rejections: RejectionCounter;
  /** A delivery still unfinished after this long has its connection cut (slow senders hold no budget for ever). */
  requestTimeoutMs: number;
};

export const REQUEST_TIMEOUT_MS = 60_000;

export function createWebhookGuard(db: Db, options: { unverifiedBytesCap?: number; limitFailures?: boolean; requestTimeoutMs?: number } = {}): WebhookGuard {
  return {
    requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
    limitFailures: options.limitFailures ?? true,
    failures: new BatchedLimiter(db.$client as pg.Pool, { name: "webhook-failures", points: FAILURES_PER_MINUTE, durationSeconds: 60 }),
    budget: new ByteBudget(options.unverifiedBytesCap ?? UNVERIFIED_BYTES_CAP),
    rejections: new RejectionCounter(db),
  };
}
