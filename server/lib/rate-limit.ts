/**
 * Fixed-window rate limits and a sign-in slow-down, kept in process memory.
 * Each app instance counts on its own: with N instances an attacker gets N times the budget, which is still
 * a small, bounded number; the limits exist to stop brute force and floods, not to meter usage.
 */
import type { Request, RequestHandler } from "express";
import { AppError } from "./errors";

type Window = { count: number; resetAt: number };

export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();
  constructor(
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; returns the count in the current window and when it resets. */
  hit(key: string): Window {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= t) {
      w = { count: 0, resetAt: t + this.windowMs };
      this.windows.set(key, w);
      if (this.windows.size > 50_000) this.sweep(t);
    }
    w.count += 1;
    return w;
  }

  peek(key: string): number {
    const w = this.windows.get(key);
    return w && w.resetAt > this.now() ? w.count : 0;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(t: number) {
    for (const [k, w] of this.windows) if (w.resetAt <= t) this.windows.delete(k);
  }
}

export type LimitRule = { name: string; max: number; windowMs: number; key: (req: Request) => string | null };

/** Answers 429 rate_limited (with Retry-After) once any rule's budget is spent. */
export function rateLimit(rules: LimitRule[]): RequestHandler {
  const counters = rules.map((r) => ({ rule: r, counter: new FixedWindowCounter(r.windowMs) }));
  return (req, res, next) => {
    for (const { rule, counter } of counters) {
      const key = rule.key(req);
      if (key === null) continue;
      const w = counter.hit(`${rule.name}:${key}`);
      if (w.count > rule.max) {
        const retryAfter = Math.max(1, Math.ceil((w.resetAt - Date.now()) / 1000));
        res.setHeader("Retry-After", String(retryAfter));
        return next(new AppError("rate_limited", 429, `Too many requests; try again in ${retryAfter} s`));
      }
    }
    next();
  };
}

/**
 * Sign-in slow-down: failed attempts for an email (from any IP) and from an IP are counted for 15 minutes.
 * After 5 failures each further attempt waits longer (up to 5 s); after 20 the attempt is refused outright.
 */
export function signInThrottle(options: { sleep?: (ms: number) => Promise<void> } = {}): RequestHandler {
  const failures = new FixedWindowCounter(15 * 60 * 1000);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return async (req, res, next) => {
    const email = typeof req.body?.email === "string" ? req.body.email.trim().toLowerCase().slice(0, 254) : "";
    const keys = [`ip:${req.ip}`, ...(email ? [`email:${email}`] : [])];
    const worst = Math.max(...keys.map((k) => failures.peek(k)));
    if (worst >= 20) {
      res.setHeader("Retry-After", "900");
      return next(new AppError("too_many_attempts", 429, "Too many failed sign-ins; try again in 15 minutes"));
    }
    res.on("finish", () => {
      if (res.statusCode === 401) for (const k of keys) failures.hit(k);
      else if (res.statusCode < 300 && email) failures.reset(`email:${email}`);
    });
    if (worst >= 5) await sleep(Math.min(5_000, 250 * 2 ** (worst - 5)));
    next();
  };
}
