import { deliveriesPage, deliveriesQuery, testEventResult, webhookStatus } from "@shared/ingestion-schemas";
import { integration } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { listDeliveries, rotateWebhookToken, sendTestEvent, workspaceWebhookStatus } from "../services/integrations/webhook-health";

export function ingestionHealthRoutes(api: ApiRouter) {
  api.define(
    { method: "get", path: "/integrations/elevenlabs/deliveries", summary: "Recent deliveries (webhook and sync) with their state, and refused deliveries of the last 24 h by reason", access: "user", permission: "integrations:manage", query: deliveriesQuery, response: deliveriesPage },
    ({ ctx, query }) => listDeliveries(ctx, query),
  );
  api.define(
    { method: "get", path: "/integrations/elevenlabs/webhook-status", summary: "The ElevenLabs workspace webhooks and their health (when the key may read them)", access: "user", permission: "integrations:manage", response: webhookStatus },
    ({ ctx }) => workspaceWebhookStatus(ctx),
  );
  api.define(
    { method: "post", path: "/integrations/elevenlabs/webhook-token", summary: "A new webhook URL; the previous one keeps working for 24 hours", access: "user", permission: "integrations:manage", response: integration },
    ({ ctx, req }) => rotateWebhookToken(ctx, req.ip),
  );
  api.define(
    { method: "post", path: "/integrations/elevenlabs/test-event", summary: "Delivers a signed sample event to the organization's own webhook URL", access: "user", permission: "integrations:manage", response: testEventResult, status: 202 },
    ({ ctx }) => sendTestEvent(ctx),
  );
}
