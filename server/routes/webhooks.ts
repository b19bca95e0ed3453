/**
 * ElevenLabs post-call webhooks (DESIGN.md §8). Mounted ahead of the body parsers and the session: the receiver
 * reads the request stream itself, so an unknown token or a caller over its failure budget costs no body.
 */
import { z } from "zod";
import type { Request, Response } from "express";
import type { AppDeps } from "../deps";
import type { ApiRouter } from "./api-router";
import { clientAddress } from "../lib/rate-limit";
import { receiveWebhookStream, type WebhookDelivery } from "../services/ingestion/receive-webhook";
import type { WebhookGuard } from "../services/ingestion/webhook-guard";

const tokenParams = z.object({ webhookToken: z.string().max(200) });
const received = z.object({ received: z.literal(true) });

/** A refusal sent before the body was read closes the connection, so the rest of the body is never read. */
function closeUnlessRead(req: Request, res: Response) {
  if (!req.complete && !res.headersSent) res.setHeader("Connection", "close");
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

export function webhookRoutes(api: ApiRouter, deps: AppDeps, guard: WebhookGuard) {
  api.define(
    { method: "post", path: "/webhooks/elevenlabs/:webhookToken", summary: "ElevenLabs post-call webhook (the organization's own URL)", access: "public", params: tokenParams, response: received },
    async ({ req, res, params }) => {
      try {
        await receiveWebhookStream(deps, guard, delivery(req), { kind: "organization", token: params.webhookToken });
      } catch (err) {
        closeUnlessRead(req, res);
        throw err;
      }
      return { received: true };
    },
  );
  api.define(
    { method: "post", path: "/webhooks/elevenlabs", summary: "ElevenLabs post-call webhook (shared URL; organization found by agent)", access: "public", response: received },
    async ({ req, res }) => {
      try {
        await receiveWebhookStream(deps, guard, delivery(req), { kind: "shared" });
      } catch (err) {
        closeUnlessRead(req, res);
        throw err;
      }
      return { received: true };
    },
  );
}
