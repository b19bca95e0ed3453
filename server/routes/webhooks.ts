/**
 * ElevenLabs post-call webhooks (DESIGN.md §8), answered in front of the app: before Express's router, the request
 * log, the security headers, the body parsers and the session. The receiver reads the request stream
 * itself, so an unknown token or a caller over its failure budget costs no body, and an accepted delivery costs its
 * inbox insert and one write of the answer (docs/decisions/007, "Throughput"). The routes are declared on the
 * ApiRouter for the OpenAPI document only.
 */
import { z } from "zod";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Express, Request, Response } from "express";
import type { AppDeps } from "../deps";
import type { ApiRouter } from "./api-router";
import { AppError, databaseFacts, isDatabaseUnavailable } from "../lib/errors";
import { clientAddress } from "../lib/rate-limit";
import { receiveWebhookStream, type WebhookDelivery, type WebhookRoute } from "../services/ingestion/receive-webhook";
import type { WebhookGuard } from "../services/ingestion/webhook-guard";

const tokenParams = z.object({ webhookToken: z.string().max(200) });
const received = z.object({ received: z.literal(true) });

/** The two routes as Express matches them: any letter case, an optional trailing slash, a query string ignored. */
const WEBHOOK_PATH = /^\/api\/webhooks\/elevenlabs(?:\/([^/?]+))?\/?(?:\?.*)?$/i;

const RECEIVED = Buffer.from('{"received":true}');
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "no-store" };

/** The route a request is for, or null (not a webhook: Express handles it). A token that does not decode is not one. */
function routeOf(req: Request): WebhookRoute | null {
  if (req.method !== "POST") return null;
  const match = WEBHOOK_PATH.exec(req.url);
  if (!match) return null;
  if (match[1] === undefined) return { kind: "shared" };
  try {
    const token = decodeURIComponent(match[1]);
    return tokenParams.safeParse({ webhookToken: token }).success ? { kind: "organization", token } : null;
  } catch {
    return null;
  }
}

function answer(res: Response, status: number, body: Buffer | string, close: boolean) {
  res.writeHead(status, close ? { ...JSON_HEADERS, connection: "close" } : JSON_HEADERS).end(body);
}

type Handle = (req: IncomingMessage, res: ServerResponse, callback?: (err?: unknown) => void) => void;

/**
 * Puts the webhook receiver in front of the app: a delivery is answered before Express's router (its layers and final
 * handler cost a delivery more than the receiver itself), the request log, the security headers, the body parsers
 * and the session. Everything else goes on to Express unchanged.
 */
export function serveWebhooksFirst(app: Express, deps: AppDeps, guard: WebhookGuard): void {
  const express = app as unknown as { handle: Handle; request: object; response: object };
  const handle = express.handle.bind(app);
  express.handle = (rawReq, rawRes, callback) => {
    const req = rawReq as Request;
    const route = routeOf(req);
    if (!route) return handle(rawReq, rawRes, callback);
    // What Express's own handle does first: req.ip, req.get and friends (TRUST_PROXY included) work as in a route.
    const res = rawRes as Response;
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, express.request);
    Object.setPrototypeOf(res, express.response);
    receive(deps, guard, req, res, route);
  };
}

function delivery(req: Request): WebhookDelivery {
  return {
    address: clientAddress(req),
    contentLength: req.get("content-length"),
    signature: req.get("elevenlabs-signature"),
    body: req,
    abort: (err) => req.destroy(err),
  };
}

function receive(deps: AppDeps, guard: WebhookGuard, req: Request, res: Response, route: WebhookRoute): void {
  receiveWebhookStream(deps, guard, delivery(req), route).then(
    () => answer(res, 200, RECEIVED, false),
    (err: unknown) => {
      let error: AppError;
      if (err instanceof AppError) error = err;
      else if (isDatabaseUnavailable(err)) error = new AppError("database_unavailable", 503, "The database is unavailable; try again shortly");
      else {
        // The error serializer drops the statement's values (call content); what PostgreSQL said stays, as `db`.
        deps.log.error({ err, db: databaseFacts(err), route: route.kind }, "webhook delivery failed");
        error = new AppError("internal_error", 500, "Something went wrong");
      }
      if (error.status >= 500 || error.status === 429) deps.log.warn({ route: route.kind, status: error.status, code: error.code }, "webhook delivery refused");
      if (res.headersSent) return void res.destroy();
      // A refusal sent before the body was read closes the connection, so the rest of the body is never read.
      answer(res, error.status, JSON.stringify({ error: { code: error.code, message: error.message } }), !req.complete);
    },
  );
}

export function webhookRoutes(api: ApiRouter) {
  api.describe({ method: "post", path: "/webhooks/elevenlabs/:webhookToken", summary: "ElevenLabs post-call webhook (the organization's own URL)", access: "public", params: tokenParams, response: received });
  api.describe({ method: "post", path: "/webhooks/elevenlabs", summary: "ElevenLabs post-call webhook (shared URL; organization found by agent)", access: "public", response: received });
}
