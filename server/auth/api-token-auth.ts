/**
 * `Authorization: Bearer vad_…` (DESIGN.md §11): a token reads, with viewer rights of its organization, the GET routes
 * listed below; any other route or method answers 403, an unknown, revoked or expired token 401. Token requests
 * carry no session (the session middleware is skipped for them) and are rate limited per token.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { tenantDb } from "../db/tenant";
import type { AppDeps } from "../lib/context";
import { AppError } from "../lib/errors";
import { BatchedLimiter } from "../lib/rate-limit";
import { authenticateToken } from "../services/tokens/api-tokens";
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
      req.ctx = {
        organizationId: identity.organizationId,
        userId: "",
        role: "viewer",
        isPlatformAdmin: false,
        db: tenantDb(deps.db, identity.organizationId),
        log: (req.log ?? deps.log).child({ apiTokenId: identity.tokenId }),
        deps,
      };
      next();
    } catch (err) {
      next(err);
    }
  };
}
