/** Resolves the tenant context once per request, and the guards that read it. */
import { eq } from "drizzle-orm";
import type { NextFunction, Request, Response } from "express";
import { can, type Permission, type Role } from "@shared/permissions";
import { users } from "../db/schema";
import type { AppDeps } from "../deps";
import { tenantCtx } from "../tenant-context";
import { AppError } from "../lib/errors";
import { isPlatformAdmin } from "../services/auth/platform-admins";
import type { SessionUserHandoff } from "./session";

export function loadContext(deps: AppDeps, handoff: SessionUserHandoff) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const userId = req.session?.userId;
      if (userId) {
        // Usually read in the same query as the session (server/auth/session.ts); otherwise read now.
        const row =
          handoff.take(req.sessionID, userId) ?? (await deps.db.select().from(users).where(eq(users.id, userId)))[0];
        if (row) {
          req.ctx = tenantCtx(deps, row.organizationId, {
            userId: row.id,
            role: row.role as Role,
            isPlatformAdmin: isPlatformAdmin(deps.env.platformAdminEmails, row),
            log: req.log ?? deps.log,
          });
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function requireUser(req: Request, _res: Response, next: NextFunction) {
  next(req.ctx ? undefined : new AppError("unauthorized", 401, "Sign in to continue"));
}

export function requireRole(permission: Permission) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.ctx) return next(new AppError("unauthorized", 401, "Sign in to continue"));
    next(can(req.ctx.role, permission) ? undefined : new AppError("forbidden", 403, "Your role does not allow this"));
  };
}

export function requirePlatformAdmin(req: Request, _res: Response, next: NextFunction) {
  if (!req.ctx) return next(new AppError("unauthorized", 401, "Sign in to continue"));
  next(req.ctx.isPlatformAdmin ? undefined : new AppError("forbidden", 403, "Platform administrators only"));
}
