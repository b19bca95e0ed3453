import { z } from "zod";
import type { AppDeps } from "../deps";
import type { ApiRouter } from "./api-router";
import { receiveWebhook } from "../services/ingestion/webhooks";

/** Audio of a long call, base64 in JSON, runs to several MB. */
export const WEBHOOK_BODY_LIMIT = "60mb";

const tokenParams = z.object({ webhookToken: z.string().max(200) });
const received = z.object({ received: z.literal(true) });

export function webhookRoutes(api: ApiRouter, deps: AppDeps) {
  const rawBody = (body: unknown) => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));
  api.define(
    { method: "post", path: "/webhooks/elevenlabs/:webhookToken", summary: "ElevenLabs post-call webhook (the organization's own URL)", access: "public", params: tokenParams, response: received },
    async ({ req, params }) => {
      await receiveWebhook(deps, { webhookToken: params.webhookToken, rawBody: rawBody(req.body), signature: req.get("elevenlabs-signature") });
      return { received: true };
    },
  );
  api.define(
    { method: "post", path: "/webhooks/elevenlabs", summary: "ElevenLabs post-call webhook (shared URL; organization found by agent)", access: "public", response: received },
    async ({ req }) => {
      await receiveWebhook(deps, { rawBody: rawBody(req.body), signature: req.get("elevenlabs-signature") });
      return { received: true };
    },
  );
}
