/**
 * `Authorization: Bearer vad_…` (DESIGN.md §11): a token reads, with viewer rights of its organization, the GET routes
 * listed below; any other route or method answers 403, an unknown, revoked or expired token 401. Token requests
 * carry no session (the session middleware is skipped for them) and are rate limited per token.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { eq } from "drizzle-orm";
import { apiTokens } from "../db/schema";
import type { OwnerDb } from "../db/owner";
import type { AppDeps } from "../deps";
import { tenantCtx } from "../tenant-context";
import { AppError } from "../lib/errors";
import { BatchedLimiter } from "../lib/rate-limit";
import { hashToken } from "../services/tokens/api-tokens";
import { tokenMayRead } from "@shared/governance-schemas";

export function bearerToken(req: Request): string | null {
  const header = req.get("authorization");
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : "";
}

/** Runs a middleware only for requests without a bearer token (the session, for one). */
export function unlessBearer(middleware: RequestHandler): RequestHandler {
  return (req, res, next) => (bearerToken(req) === null ? middleware(req, res, next) : next());
}

const TOKEN_SHAPE = /^vad_[A-Za-z0-9_-]{43}$/;

type TokenIdentity = { tokenId: string; organizationId: string };

/**
 * The organization a presented token reads for, or null when it is unknown, revoked or expired. Runs before any
 * tenant is known, on the owner's handle (decision 003: resolving a credential to its organization, like sign-in):
 * one lookup by the hash's unique key. lastUsedAt is written at most once a minute per token.
 */
async function authenticateToken(db: OwnerDb, token: string, now: Date): Promise<TokenIdentity | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const [row] = await db
    .select({ id: apiTokens.id, organizationId: apiTokens.organizationId, expiresAt: apiTokens.expiresAt, revokedAt: apiTokens.revokedAt, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000)
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  return { tokenId: row.id, organizationId: row.organizationId };
}

export type TokenRateLimit = { points: number; durationSeconds: number };

export function apiTokenAuth(deps: AppDeps, limit: TokenRateLimit = { points: 600, durationSeconds: 60 }): RequestHandler {
  // Counted in memory and added to the shared PostgreSQL counters once a second (decision 009): one budget per token
  // across instances, no round trip per request.
  const limiter = new BatchedLimiter(deps.db.$client, { name: "api-token", ...limit });
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (token === null) return next();
    try {
      const identity = token ? await authenticateToken(deps.db, token, deps.now()) : null;
      if (!identity) {
        res.setHeader("WWW-Authenticate", 'Bearer error="invalid_token"');
        throw new AppError("invalid_token", 401, "The API token is unknown, revoked or expired");
      }
      if (!tokenMayRead(req.method, req.path)) throw new AppError("forbidden", 403, "API tokens may only read calls, agents, analytics, billing usage and exports");
      const spent = limiter.hit(identity.tokenId);
      if (!spent.allowed) {
        res.setHeader("Retry-After", String(spent.retryAfterSeconds));
        throw new AppError("rate_limited", 429, `Too many requests for this token; try again in ${spent.retryAfterSeconds} s`);
      }
      req.ctx = tenantCtx(deps, identity.organizationId, {
        userId: "",
        role: "viewer",
        isPlatformAdmin: false,
        log: (req.log ?? deps.log).child({ apiTokenId: identity.tokenId }),
      });
      next();
    } catch (err) {
      next(err);
    }
  };
}
