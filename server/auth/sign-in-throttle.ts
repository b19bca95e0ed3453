/**
 * Password sign-in throttle without lockout (DESIGN §12, decision 009). Every attempt is counted before the
 * password is checked (an atomic upsert per counter), so a parallel burst cannot slip past one check. Three budgets:
 * - per address: 20 attempts a minute (an address flooding the endpoint waits at most a minute);
 * - per email at one address: 10 attempts in 15 minutes (a guesser locks out only its own address);
 * - per email from addresses that never signed in to it: 6 attempts a minute. A burst from elsewhere therefore
 *   keeps the rightful user out for at most 60 s even from a new address, and not at all from an address the
 *   email signed in from successfully in the last 30 days ("known address").
 * Beyond the first few attempts each further one waits longer (250 ms doubling, at most 5 s): slowed by email and
 * by address.
 */
import type { Request, RequestHandler } from "express";
import type pg from "pg";
import { clientAddress, refuseWith, SharedLimiter, type LimitResult } from "../lib/rate-limit";

export type SignInAttempt = {
  /** The password was right: forget this address's failures for the email and remember the address. */
  succeeded: () => Promise<void>;
};

const KNOWN_ADDRESS_DAYS = 30;

function emailOf(req: Request): string {
  const raw: unknown = (req.body as { email?: unknown } | undefined)?.email;
  return typeof raw === "string" ? raw.trim().toLowerCase().slice(0, 254) : "";
}

/** 0 for the first few attempts, then 250 ms doubling per attempt, capped at 5 s. */
export function slowDownMs(excess: number): number {
  return excess <= 0 ? 0 : Math.min(5_000, 250 * 2 ** (excess - 1));
}

export function signInThrottle(pool: pg.Pool, options: { sleep?: (ms: number) => Promise<void> } = {}): RequestHandler {
  const perAddress = new SharedLimiter(pool, { name: "signin-address", points: 20, durationSeconds: 60 });
  const perEmailAtAddress = new SharedLimiter(pool, { name: "signin-email-address", points: 10, durationSeconds: 15 * 60 });
  const perEmail = new SharedLimiter(pool, { name: "signin-email", points: 6, durationSeconds: 60 });
  const knownAddresses = new SharedLimiter(pool, {
    name: "signin-known-address",
    points: Number.MAX_SAFE_INTEGER,
    durationSeconds: KNOWN_ADDRESS_DAYS * 24 * 3600,
  });
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  return async (req, res, next) => {
    try {
      const address = clientAddress(req);
      const email = emailOf(req);
      const pair = `${email}\n${address}`;
      const known = email ? (await knownAddresses.peek(pair)) > 0 : false;

      const refuse = (result: LimitResult) =>
        next(
          refuseWith(res, result, "too_many_attempts", `Too many sign-in attempts; try again in ${result.retryAfterSeconds} s`),
        );
      const byAddress = await perAddress.consume(address);
      if (!byAddress.allowed) return refuse(byAddress);
      let excess = byAddress.count - 5;
      let countedByEmail = false;
      if (email) {
        const byPair = await perEmailAtAddress.consume(pair);
        if (!byPair.allowed) return refuse(byPair);
        excess = Math.max(excess, byPair.count - 3);
        if (!known) {
          const byEmail = await perEmail.consume(email);
          countedByEmail = true;
          if (!byEmail.allowed) return refuse(byEmail);
          excess = Math.max(excess, byEmail.count - 3);
        }
      }
      req.signInAttempt = {
        succeeded: async () => {
          await perEmailAtAddress.reset(pair);
          if (countedByEmail) await perEmail.refund(email);
          await knownAddresses.consume(pair);
        },
      };
      const delay = slowDownMs(excess);
      if (delay > 0) await sleep(delay);
      next();
    } catch (err) {
      next(err);
    }
  };
}
