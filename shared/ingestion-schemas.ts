/** Ingestion health (DESIGN.md §8): deliveries, refused deliveries, the ElevenLabs workspace webhook, test events. */
import { z } from "zod";
import { isoDateTime } from "./dates";

export const DELIVERY_STATES = ["pending", "processed", "failed", "ignored"] as const;

export const deliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

export const delivery = z.object({
  id: z.string(),
  type: z.string().nullable(),
  conversationId: z.string().nullable(),
  source: z.enum(["webhook", "sync"]),
  receivedAt: isoDateTime,
  state: z.enum(DELIVERY_STATES),
  error: z.string().nullable(),
});
export type Delivery = z.infer<typeof delivery>;

export const deliveriesPage = z.object({
  data: z.array(delivery),
  nextCursor: z.string().nullable(),
  /** When the last webhook delivery (not sync) was received; null when none is kept. */
  lastWebhookAt: z.string().nullable(),
  /** Refused deliveries of the last 24 hours by reason (invalid_signature, stale_timestamp, ...). */
  rejected24h: z.record(z.string(), z.number()),
});
export type DeliveriesPage = z.infer<typeof deliveriesPage>;

export const workspaceWebhook = z.object({
  id: z.string(),
  name: z.string().nullable(),
  url: z.string().nullable(),
  isDisabled: z.boolean(),
  isAutoDisabled: z.boolean(),
  mostRecentFailureErrorCode: z.number().nullable(),
  mostRecentFailureAt: isoDateTime.nullable(),
  /** Points at this organization's webhook URL. */
  pointsHere: z.boolean(),
});
export const webhookStatus = z.object({
  /** False when there is no key, or the key may not read workspace webhooks. */
  available: z.boolean(),
  reason: z.string().nullable(),
  webhooks: z.array(workspaceWebhook),
});
export type WebhookStatus = z.infer<typeof webhookStatus>;

export const testEventResult = z.object({
  delivered: z.boolean(),
  status: z.number().nullable(),
  error: z.string().nullable(),
  url: z.string(),
});
export type TestEventResult = z.infer<typeof testEventResult>;
