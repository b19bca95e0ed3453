/**
 * Shared rate limits: every counter lives in PostgreSQL (table `rate_limits`), so any number of app instances on one
 * database spend one budget, not one each (DESIGN §13). Decision 009.
 *
 * API
 * - `new SharedLimiter(pool, { name, points, durationSeconds })`: a fixed window of `durationSeconds` per key,
 *   counted by rate-limiter-flexible's PostgreSQL store (one atomic upsert per hit).
 *   - `consume(key, points?)` counts FIRST and then answers `{ allowed, count, retryAfterSeconds }`: concurrent
 *     requests each see their own count, so a parallel burst cannot all pass one check.
 *   - `peek(key)` (count so far, no change), `refund(key, points?)`, `reset(key)`.
 *   Keys are hashed before they are stored (emails and addresses are personal data).
 * - `BatchedLimiter`: the same table for high-volume limits (webhook floods): hits are counted in memory and added
 *   to the shared row once a second; a key is refused once the shared total plus this instance's unflushed hits
 *   exceed the budget. Costs no round trip per request; instances may overshoot by about one second of traffic.
 * - `rateLimit(rules)`: Express middleware answering 429 `rate_limited` with Retry-After when any rule is spent.
 * - `tooManyRequests(result, code?)`: the AppError to throw (and sets nothing): for limits checked in services.
 * - `clientAddress(req)`: the caller's address as limits and the audit log use it (no `::ffff:` prefix).
 *
 * Build limiters once per createApp (never module globals), from `deps.db.$client`.
 */
import { createHash } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "./errors";

export const RATE_LIMIT_TABLE = "rate_limits";

export type LimitSpec = {
  /** Unique per limit; part of every stored key. */
  name: string;
  /** Budget per window. */
  points: number;
  durationSeconds: number;
};

export type LimitResult = {
  allowed: boolean;
  /** Hits in the current window, this one included. */
  count: number;
  /** Seconds until the window resets (at least 1). */
  retryAfterSeconds: number;
};

/** Short, fixed-length, not reversible by reading the table. */
function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 32);
}

function toResult(res: RateLimiterRes, points: number): LimitResult {
  return {
    allowed: res.consumedPoints <= points,
    count: res.consumedPoints,
    retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  };
}

export class SharedLimiter {
  private readonly limiter: RateLimiterPostgres;

  constructor(
    pool: pg.Pool,
    readonly spec: LimitSpec,
  ) {
    this.limiter = new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true, // by the migration: no DDL at request time
      keyPrefix: spec.name,
      points: spec.points,
      duration: spec.durationSeconds,
    });
  }

  async consume(key: string, points = 1): Promise<LimitResult> {
    try {
      return toResult(await this.limiter.consume(hashKey(key), points), this.spec.points);
    } catch (err) {
      // The library rejects with its result object when the budget is spent, with an Error when the store failed.
      if (err instanceof RateLimiterRes) return toResult(err, this.spec.points);
      throw err;
    }
  }

  async peek(key: string): Promise<number> {
    const res = await this.limiter.get(hashKey(key));
    return res?.consumedPoints ?? 0;
  }

  async refund(key: string, points = 1): Promise<void> {
    await this.limiter.reward(hashKey(key), points);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(hashKey(key));
  }
}

type Pending = { points: number; windowEnd: number };
type Shared = { points: number; expire: number };

export class BatchedLimiter {
  private pending = new Map<string, Pending>();
  /** Hits being written by a flush that has not answered yet: still counted, or a flush would open a gap. */
  private readonly inFlight = new Map<string, number>();
  private readonly shared = new Map<string, Shared>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pool: pg.Pool,
    readonly spec: LimitSpec,
    private readonly flushEveryMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit in memory; synchronous (no round trip). */
  hit(key: string): LimitResult {
    const stored = `${this.spec.name}:${hashKey(key)}`;
    const t = this.now();
    let shared = this.shared.get(stored);
    if (shared && shared.expire <= t) {
      this.shared.delete(stored);
      shared = undefined;
    }
    let p = this.pending.get(stored);
    if (!p) {
      p = { points: 0, windowEnd: shared?.expire ?? t + this.spec.durationSeconds * 1000 };
      this.pending.set(stored, p);
    }
    p.points += 1;
    this.schedule();
    const count = (shared?.points ?? 0) + (this.inFlight.get(stored) ?? 0) + p.points;
    const resetAt = shared?.expire ?? p.windowEnd;
    return { allowed: count <= this.spec.points, count, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - t) / 1000)) };
  }

  /** The count so far (every instance's flushed hits plus this one's unflushed), without counting a hit. */
  peek(key: string): LimitResult {
    const stored = `${this.spec.name}:${hashKey(key)}`;
    const t = this.now();
    const shared = this.shared.get(stored);
    const live = shared && shared.expire > t ? shared : undefined;
    const p = this.pending.get(stored);
    const count = (live?.points ?? 0) + (this.inFlight.get(stored) ?? 0) + (p?.points ?? 0);
    const resetAt = live?.expire ?? p?.windowEnd ?? t;
    return { allowed: count < this.spec.points, count, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - t) / 1000)) };
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch(() => {
        // The database is away: the hits stay counted locally until the next flush succeeds.
      });
    }, this.flushEveryMs);
    this.timer.unref();
  }

  /** Adds this instance's hits to the shared rows and learns every instance's totals. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const keys = [...batch.keys()];
    const t = this.now();
    for (const [k, v] of batch) this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + v.points);
    try {
      const { rows } = await this.pool.query<{ key: string; points: number; expire: string }>(
        `insert into ${RATE_LIMIT_TABLE} as r (key, points, expire)
           select * from unnest($1::varchar[], $2::int[], $3::bigint[])
         on conflict (key) do update set
           points = case when r.expire <= $4 then excluded.points else r.points + excluded.points end,
           expire = case when r.expire <= $4 then excluded.expire else r.expire end
         returning key, points, expire`,
        [keys, keys.map((k) => batch.get(k)!.points), keys.map((k) => batch.get(k)!.windowEnd), t],
      );
      for (const row of rows) this.shared.set(row.key, { points: row.points, expire: Number(row.expire) });
      if (this.shared.size > 50_000) for (const [k, v] of this.shared) if (v.expire <= t) this.shared.delete(k);
    } catch (err) {
      for (const [k, v] of batch) {
        const p = this.pending.get(k);
        this.pending.set(k, p ? { points: p.points + v.points, windowEnd: p.windowEnd } : v);
      }
      this.schedule();
      throw err;
    } finally {
      for (const [k, v] of batch) {
        const left = (this.inFlight.get(k) ?? 0) - v.points;
        if (left > 0) this.inFlight.set(k, left);
        else this.inFlight.delete(k);
      }
    }
  }
}

export function tooManyRequests(result: LimitResult, code = "rate_limited", message?: string): AppError {
  return new AppError(code, 429, message ?? `Too many requests; try again in ${result.retryAfterSeconds} s`);
}

function refuse(res: Response, result: LimitResult, code = "rate_limited", message?: string): AppError {
  res.setHeader("Retry-After", String(result.retryAfterSeconds));
  return tooManyRequests(result, code, message);
}

export type LimitRule = {
  limiter: SharedLimiter | BatchedLimiter;
  /** null: the rule does not apply to this request. */
  key: (req: Request) => string | null;
};

/** Answers 429 rate_limited (with Retry-After) once any rule's budget is spent. Every rule counts the request. */
export function rateLimit(rules: LimitRule[]): RequestHandler {
  return async (req, res, next) => {
    try {
      for (const rule of rules) {
        const key = rule.key(req);
        if (key === null) continue;
        const result = rule.limiter instanceof BatchedLimiter ? rule.limiter.hit(key) : await rule.limiter.consume(key);
        if (!result.allowed) return next(refuse(res, result));
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The caller's address (Express' `req.ip`, which honours TRUST_PROXY), IPv4 without the `::ffff:` mapping. */
export function clientAddress(req: Pick<Request, "ip" | "socket">): string {
  return normalizeAddress(req.ip ?? req.socket?.remoteAddress) ?? "unknown";
}

export function normalizeAddress(address: string | null | undefined): string | null {
  if (!address) return null;
  return /^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(address) ? address.slice(7) : address;
}

export { refuse as refuseWith };
