/** createApp(deps) -> Express app. No listen, no globals: tests build as many as they like. */
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from "express";
import { pinoHttp } from "pino-http";
import helmet from "helmet";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { AppDeps } from "./deps";
import { AppError, databaseFacts, isDatabaseUnavailable, isUnstorableText } from "./lib/errors";
import { errorSerializer } from "./lib/logger";
import { ApiRouter } from "./routes/api-router";
import { clientAddress, rateLimit, SharedLimiter } from "./lib/rate-limit";
import { signInThrottle } from "./auth/sign-in-throttle";
import { buildOpenApi, docsPage } from "./routes/openapi";
import { createSessionMiddleware, SessionUserHandoff } from "./auth/session";
import { loadContext } from "./auth/guards";
import { apiTokenAuth, unlessBearer, type TokenRateLimit } from "./auth/api-token-auth";
import { governanceRoutes } from "./routes/governance";
import { authRoutes } from "./routes/auth";
import { accountLinkRoutes } from "./routes/account-links";
import { integrationRoutes } from "./routes/integrations";
import { agentRoutes } from "./routes/agents";
import { callLogRoutes } from "./routes/call-logs";
import { callAudioRoutes } from "./routes/call-audio";
import { analyticsRoutes } from "./routes/analytics";
import { billingRoutes } from "./routes/billing";
import { organizationRoutes } from "./routes/organization";
import { adminRoutes } from "./routes/admin";
import { teamRoutes } from "./routes/team";
import { oidcRoutes } from "./routes/oidc";
import { serveWebhooksFirst, webhookRoutes } from "./routes/webhooks";
import { ingestionHealthRoutes } from "./routes/ingestion-health";
import { createWebhookGuard } from "./services/ingestion/webhook-guard";
import { alertRoutes } from "./routes/alerts";

export type CreateAppOptions = {
  /** Per-IP and per-organization limits on sign-in, registration, key tests and webhooks. Off by default in tests. */
  rateLimits?: boolean;
  /** How long a webhook delivery may take (default 60 s; tests shorten it). */
  webhookTimeoutMs?: number;
  /** How the sign-in slow-down waits (tests record the delays instead of sleeping). */
  signInSleep?: (ms: number) => Promise<void>;
  /** Requests per API token and window (default 600 a minute). */
  tokenRateLimit?: TokenRateLimit;
  /** Mounts the client (static files or Vite middleware) after the API. */
  serveClient?: (app: Express) => void | Promise<void>;
};

/** scheme://host:port of a URL, with the default port spelled out, or null when it is not an http(s) URL. */
function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === "https:" ? "443" : "80")}`;
  } catch {
    return null;
  }
}

/**
 * Unsafe requests whose Origin is neither this server nor APP_URL are cross-site: refuse them. Scheme, host and port
 * are compared (https://host is another origin than http://host). "This server" is the Host header with the scheme
 * the request arrived over (`req.protocol`, which believes X-Forwarded-Proto only through TRUST_PROXY).
 */
function csrfGuard(deps: AppDeps): RequestHandler {
  const appOrigin = originOf(deps.env.appUrl);
  return (req, _res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
    const origin = req.get("origin");
    if (!origin) return next();
    const claimed = originOf(origin);
    const own = originOf(`${req.protocol}://${req.get("host") ?? ""}`);
    if (claimed !== null && (claimed === own || claimed === appOrigin)) return next();
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
    else if (isUnstorableText(err)) appError = new AppError("invalid_input", 400, "The request contains characters that cannot be stored");
    else {
      // The error serializer drops the statement's values (personal data); what PostgreSQL said stays, as `db`.
      (req.log ?? deps.log).error({ err, db: databaseFacts(err) }, "unhandled error");
      appError = new AppError("internal_error", 500, `Something went wrong (request ${String(req.id)})`);
    }
    // Mid-stream (audio, CSV): cut the connection so the client sees an incomplete response, not a short one.
    if (res.headersSent) return res.destroy();
    res.status(appError.status).json({ error: { code: appError.code, message: appError.message, ...(appError.fields ? { fields: appError.fields } : {}) } });
  };
}

/** Helmet, with a Content-Security-Policy the built client satisfies (no inline scripts). Vite's dev server needs inline scripts, so development gets none. */
function securityHeaders(deps: AppDeps): RequestHandler {
  const production = deps.env.nodeEnv === "production";
  const formAction = ["'self'", ...(deps.env.oidc ? [new URL(deps.env.oidc.issuerUrl).origin] : [])];
  return helmet({
    contentSecurityPolicy:
      deps.env.nodeEnv === "development"
        ? false
        : {
            useDefaults: false,
            directives: {
              defaultSrc: ["'self'"],
              scriptSrc: ["'self'"],
              // Radix injects small <style> elements (scroll locking); scripts stay strict.
              styleSrc: ["'self'", "'unsafe-inline'"],
              imgSrc: ["'self'", "data:", "blob:"],
              mediaSrc: ["'self'", "blob:"],
              fontSrc: ["'self'", "data:"],
              connectSrc: ["'self'"],
              objectSrc: ["'none'"],
              baseUri: ["'self'"],
              frameAncestors: ["'none'"],
              formAction,
              ...(production ? { upgradeInsecureRequests: [] } : {}),
            },
          },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: production ? { maxAge: 15552000, includeSubDomains: true } : false,
  });
}

const byIp = (req: Request) => clientAddress(req);

function applyRateLimits(app: Express, deps: AppDeps, options: CreateAppOptions) {
  const pool = deps.db.$client;
  const byOrganization = (req: Request) => req.ctx?.organizationId ?? null;
  app.post("/api/auth/login/password", signInThrottle(pool, { sleep: options.signInSleep }));
  app.post("/api/auth/register", rateLimit([{ limiter: new SharedLimiter(pool, { name: "register-ip", points: deps.env.registrationsPerHour, durationSeconds: 3600 }), key: byIp }]));
  // Account links: a request mails someone, so it is limited per address and per email (the same for unknown emails:
  // a 429 tells nothing about accounts); tokens are 256 random bits, the per-address limit only keeps guessing noisy.
  const byEmail = (req: Request) => {
    const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
    return typeof email === "string" ? email.trim().toLowerCase().slice(0, 254) : null;
  };
  app.post(
    "/api/auth/password-reset/request",
    rateLimit([
      { limiter: new SharedLimiter(pool, { name: "reset-request-ip", points: 10, durationSeconds: 3600 }), key: byIp },
      { limiter: new SharedLimiter(pool, { name: "reset-request-email", points: 5, durationSeconds: 3600 }), key: byEmail },
    ]),
  );
  app.post(
    ["/api/auth/password-reset", "/api/auth/confirm-email", "/api/auth/confirm-email/resend", "/api/auth/email"],
    rateLimit([{ limiter: new SharedLimiter(pool, { name: "account-link-ip", points: 30, durationSeconds: 900 }), key: byIp }]),
  );
  app.post(
    ["/api/integrations", "/api/integrations/test", "/api/agents/validate"],
    rateLimit([
      { limiter: new SharedLimiter(pool, { name: "key-test-ip", points: 30, durationSeconds: 60 }), key: byIp },
      { limiter: new SharedLimiter(pool, { name: "key-test-org", points: 20, durationSeconds: 60 }), key: byOrganization },
    ]),
  );
}

export async function createApp(deps: AppDeps, options: CreateAppOptions = {}): Promise<Express> {
  const app = express();
  app.disable("x-powered-by");
  // Only as many proxy hops as TRUST_PROXY says: without a proxy, X-Forwarded-For is the client's own claim.
  app.set("trust proxy", deps.env.trustProxyHops > 0 ? deps.env.trustProxyHops : false);
  app.set("query parser", "simple");

  const limits = options.rateLimits ?? deps.env.nodeEnv !== "test";
  // Webhooks in front of everything (Express's router, the request log, the security headers, the body parsers, the
  // session): the receiver reads the stream itself and answers in one write (docs/decisions/007). Route-keyed:
  // however the path is spelled (case, trailing slash), one of two routes.
  serveWebhooksFirst(app, deps, createWebhookGuard(deps.db, { unverifiedBytesCap: deps.env.webhookUnverifiedBytes, limitFailures: limits, requestTimeoutMs: options.webhookTimeoutMs }));

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
        err: errorSerializer,
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
    }),
  );

  app.use(securityHeaders(deps));

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

  app.use("/api", unlessBearer(csrfGuard(deps)));
  const webhooks = new ApiRouter(express.Router());
  webhookRoutes(webhooks);
  app.use("/api", express.json({ limit: "256kb" }));
  const sessionUsers = new SessionUserHandoff();
  // Bearer-token requests carry no session: no cookie is read or set for them (DESIGN.md §11).
  app.use("/api", unlessBearer(createSessionMiddleware(deps, sessionUsers)));
  app.use("/api", apiTokenAuth(deps, options.tokenRateLimit));
  app.use("/api", loadContext(deps, sessionUsers));
  if (limits) applyRateLimits(app, deps, options);

  const api = new ApiRouter(express.Router());
  authRoutes(api, deps);
  accountLinkRoutes(api, deps);
  integrationRoutes(api);
  agentRoutes(api);
  callLogRoutes(api);
  callAudioRoutes(api);
  analyticsRoutes(api);
  billingRoutes(api);
  organizationRoutes(api);
  adminRoutes(api, deps);
  teamRoutes(api);
  oidcRoutes(api, deps);
  ingestionHealthRoutes(api);
  alertRoutes(api);
  governanceRoutes(api);
  app.use("/api", api.router);

  const routes = [...webhooks.routes, ...api.routes];
  const openapi = buildOpenApi(routes);
  app.get("/api/openapi.json", (_req, res) => {
    res.json(openapi);
  });
  app.get("/api/docs", (_req, res) => {
    res.type("html").send(docsPage());
  });
  app.use("/api", (_req, _res, next) => next(new AppError("not_found", 404, "No such API route")));

  if (options.serveClient) await options.serveClient(app);
  app.use(errorHandler(deps));
  app.locals.routes = routes;
  return app;
}
