/** Declared routes: one table that drives the router, the guards, the OpenAPI document and the permission tests. */
import type { NextFunction, Request, Response, Router } from "express";
import type { z } from "zod";
import { can, type Permission } from "@shared/permissions";
import { AppError, validationError } from "../lib/errors";
import type { Ctx } from "../services/context";

export type Access = "public" | "user" | "platformAdmin";

export type RouteDef<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> = {
  method: "get" | "post" | "patch" | "delete" | "put";
  path: string;
  summary: string;
  access: Access;
  permission?: Permission;
  body?: B;
  query?: Q;
  params?: P;
  response?: z.ZodType;
  status?: number;
};

export type AnyRouteDef = RouteDef<z.ZodType, z.ZodType, z.ZodType>;

export type HandlerInput<B, Q, P> = { ctx: Ctx; body: B; query: Q; params: P; req: Request; res: Response };

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, onError?: () => AppError): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw onError ? onError() : validationError(result.error);
  return result.data;
}

/** The path of the first string (or key) holding NUL, which PostgreSQL text cannot store; null when there is none. */
function nulPath(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") || "_" : null;
  if (!value || typeof value !== "object" || depth > 32) return null;
  for (const [k, v] of Object.entries(value)) {
    if (k.includes("\u0000")) return [...path, k.replaceAll("\u0000", "")].join(".") || "_";
    const found = nulPath(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
}

function refuseNul(value: unknown): void {
  const field = nulPath(value);
  if (field) throw new AppError("invalid_input", 400, "Some fields are invalid", { [field]: "Must not contain NUL characters" });
}

export function requireCtx(req: Request): Ctx {
  if (!req.ctx) throw new AppError("unauthorized", 401, "Sign in to continue");
  return req.ctx;
}

/**
 * Registers a route on an ApiRouter. The handler's return value is sent as JSON with `status` (default 200);
 * `undefined` means the handler wrote the response itself.
 */
export class ApiRouter {
  readonly routes: AnyRouteDef[] = [];
  constructor(readonly router: Router) {}

  /** A route served ahead of this router (the webhook receiver): listed in the OpenAPI document, not mounted. */
  describe(def: AnyRouteDef): void {
    this.routes.push(def);
  }

  define<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
    def: RouteDef<B, Q, P>,
    handler: (input: HandlerInput<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown> | unknown,
  ): void {
    this.routes.push(def as unknown as AnyRouteDef);
    defineRoute(this.router, def, handler);
  }
}

function defineRoute<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
  router: Router,
  def: RouteDef<B, Q, P>,
  handler: (input: HandlerInput<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown> | unknown,
): void {
  router[def.method](def.path, async (req: Request, res: Response, next: NextFunction) => {
    try {
      let ctx = req.ctx as Ctx;
      if (def.access !== "public") {
        ctx = requireCtx(req);
        if (def.access === "platformAdmin" && !ctx.isPlatformAdmin)
          throw new AppError("forbidden", 403, "Platform administrators only");
        if (def.permission && !can(ctx.role, def.permission))
          throw new AppError("forbidden", 403, "Your role does not allow this");
      }
      // Path parameters are ids: a malformed one is simply not found, like a foreign one.
      const params = parse(def.params, req.params, () => new AppError("not_found", 404, "Not found"));
      if (def.query) refuseNul(req.query);
      if (def.body) refuseNul(req.body);
      const query = parse(def.query, req.query);
      const body = parse(def.body, req.body);
      const result = await handler({ ctx, body, query, params, req, res });
      if (result === undefined) {
        if (!res.headersSent) res.status(def.status ?? 204).end();
        return;
      }
      res.status(def.status ?? 200).json(result);
    } catch (err) {
      next(err);
    }
  });
}
