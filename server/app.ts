/** createApp(deps) -> Express app. No listen, no globals: tests build as many as they like. */
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { AppDeps } from "./lib/context";
import { AppError, isDatabaseUnavailable } from "./lib/errors";
import { ApiRouter } from "./lib/http";
import { buildOpenApi, docsPage } from "./lib/openapi";
import { createSessionMiddleware } from "./auth/session";
import { loadContext } from "./auth/guards";
import { authRoutes } from "./routes/auth";
import { integrationRoutes } from "./routes/integrations";
import { agentRoutes } from "./routes/agents";
import { callLogRoutes } from "./routes/call-logs";
import { callAudioRoutes } from "./routes/call-audio";
import { analyticsRoutes } from "./routes/analytics";
import { adminRoutes } from "./routes/admin";
import { teamRoutes } from "./routes/team";
import { oidcRoutes } from "./routes/oidc";
import { WEBHOOK_BODY_LIMIT, webhookRoutes } from "./routes/webhooks";

export type CreateAppOptions = {
  /** Mounts the client (static files or Vite middleware) after the API. */
  serveClient?: (app: Express) => void | Promise<void>;
};

/** Unsafe requests whose Origin is neither this host nor APP_URL are cross-site: refuse them. */
function csrfGuard(deps: AppDeps): RequestHandler {
  const appOrigin = new URL(deps.env.appUrl).host;
  return (req, _res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    const origin = req.get("origin");
    if (!origin) return next();
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return next(new AppError("csrf", 403, "Cross-site request refused"));
    }
    if (host === req.get("host") || host === appOrigin) return next();
    next(new AppError("csrf", 403, "Cross-site request refused"));
  };
}

function errorHandler(deps: AppDeps): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let appError: AppError;
    const e = err as { type?: string; status?: number };
    if (err instanceof AppError) appError = err;
    else if (e?.type === "entity.parse.failed") appError = new AppError("invalid_json", 400, "The request body is not valid JSON");
    else if (e?.type === "entity.too.large") appError = new AppError("payload_too_large", 413, "The request body is too large");
    else if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported")
      appError = new AppError("unsupported_encoding", 415, "Unsupported content encoding");
    else if (typeof e?.status === "number" && e.status >= 400 && e.status < 500)
      appError = new AppError("bad_request", e.status, "The request could not be read");
    else if (isDatabaseUnavailable(err)) appError = new AppError("database_unavailable", 503, "The database is unavailable; try again shortly");
    else {
      (req.log ?? deps.log).error({ err }, "unhandled error");
      appError = new AppError("internal_error", 500, `Something went wrong (request ${String(req.id)})`);
    }
    if (res.headersSent) return res.end();
    res.status(appError.status).json({ error: { code: appError.code, message: appError.message, ...(appError.fields ? { fields: appError.fields } : {}) } });
  };
}

export async function createApp(deps: AppDeps, options: CreateAppOptions = {}): Promise<Express> {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.env.nodeEnv === "production" ? 1 : false);
  app.set("query parser", "simple");

  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split("?")[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
    }),
  );

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    try {
      await deps.db.execute(sql`select 1`);
      res.json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "unavailable", error: { code: "database_unavailable", message: "The database is unavailable" } });
    }
  });

  app.use("/api", csrfGuard(deps));
  // Webhooks are verified on their raw bytes; body-parser then skips the JSON parser for them.
  app.use("/api/webhooks", express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }));
  app.use("/api", express.json({ limit: "256kb" }));
  app.use("/api", createSessionMiddleware(deps));
  app.use("/api", loadContext(deps));

  const api = new ApiRouter(express.Router());
  authRoutes(api, deps);
  integrationRoutes(api);
  agentRoutes(api);
  callLogRoutes(api, deps);
  callAudioRoutes(api, deps);
  analyticsRoutes(api, deps);
  adminRoutes(api, deps);
  teamRoutes(api, deps);
  oidcRoutes(api, deps);
  webhookRoutes(api, deps);
  app.use("/api", api.router);

  const openapi = buildOpenApi(api.routes);
  app.get("/api/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  app.get("/api/docs", (_req, res) => {
    res.type("html").send(docsPage());
  });
  app.use("/api", (_req, _res, next) => next(new AppError("not_found", 404, "No such API route")));

  if (options.serveClient) await options.serveClient(app);
  app.use(errorHandler(deps));
  app.locals.routes = api.routes;
  return app;
}
