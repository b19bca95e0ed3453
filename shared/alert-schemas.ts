/** Alerts and digests (DESIGN §10): request and response shapes shared by client and server. */
import { z } from "zod";
import { ALERT_METRICS, CHANNEL_TYPES, RATE_METRICS } from "./alert-constants";

import { isoDateTime } from "./dates";

export * from "./alert-constants";

export const alertChannel = z.object({
  id: z.string(),
  type: z.enum(CHANNEL_TYPES),
  name: z.string(),
  targetHint: z.string(),
  createdAt: isoDateTime,
});
export type AlertChannel = z.infer<typeof alertChannel>;
export const alertChannelList = z.object({ data: z.array(alertChannel) });
export type AlertChannelList = z.infer<typeof alertChannelList>;

export const createChannelInput = z.object({
  type: z.enum(CHANNEL_TYPES),
  name: z.string().trim().min(1, "Name the channel").max(120),
  target: z.string().trim().min(1, "Enter where to send").max(2000),
});
export type CreateChannelInput = z.infer<typeof createChannelInput>;
/** The create answer: a webhook channel's signing secret is shown here once. */
export const channelCreated = alertChannel.extend({ secret: z.string().optional() });
export type ChannelCreated = z.infer<typeof channelCreated>;

export const deliveryOutcome = z.object({
  channelId: z.string(),
  ok: z.boolean(),
  status: z.number().nullable(),
  error: z.string().nullable(),
  attempts: z.number(),
});
export type DeliveryOutcome = z.infer<typeof deliveryOutcome>;

const ruleFields = {
  name: z.string().trim().min(1, "Name the rule").max(120),
  metric: z.enum(ALERT_METRICS),
  criterionId: z.string().trim().min(1).max(200).nullable().optional(),
  agentId: z.uuid().nullable().optional(),
  windowMinutes: z.number().int().min(5, "At least 5 minutes").max(1440, "At most 1440 minutes (a day)"),
  comparator: z.enum(["above", "below"]),
  threshold: z.number().finite().min(0).max(1e12),
  minCalls: z.number().int().min(0).max(1_000_000).default(5),
  channelIds: z.array(z.uuid()).max(20).default([]),
  enabled: z.boolean().default(true),
};

export const createRuleInput = z
  .object(ruleFields)
  .refine((r) => r.metric !== "criterion_failure_rate" || Boolean(r.criterionId), {
    message: "Choose the evaluation criterion",
    path: ["criterionId"],
  })
  .refine((r) => !RATE_METRICS.includes(r.metric) || r.threshold <= 1, {
    message: "A rate is a fraction from 0 to 1",
    path: ["threshold"],
  });
export type CreateRuleInput = z.input<typeof createRuleInput>;

export const updateRuleInput = z.object({
  name: ruleFields.name.optional(),
  metric: ruleFields.metric.optional(),
  criterionId: ruleFields.criterionId,
  agentId: ruleFields.agentId,
  windowMinutes: ruleFields.windowMinutes.optional(),
  comparator: ruleFields.comparator.optional(),
  threshold: ruleFields.threshold.optional(),
  minCalls: z.number().int().min(0).max(1_000_000).optional(),
  channelIds: z.array(z.uuid()).max(20).optional(),
  enabled: z.boolean().optional(),
});
export type UpdateRuleInput = z.infer<typeof updateRuleInput>;

/** Preview: the rule's fields that decide its value (name, channels and the rest are optional). */
export const previewRuleInput = z.object({
  metric: ruleFields.metric,
  criterionId: ruleFields.criterionId,
  agentId: ruleFields.agentId,
  windowMinutes: ruleFields.windowMinutes,
  name: z.string().max(120).optional(),
  comparator: ruleFields.comparator.optional(),
  threshold: ruleFields.threshold.optional(),
  minCalls: z.number().int().min(0).max(1_000_000).optional(),
  channelIds: z.array(z.uuid()).max(20).optional(),
  enabled: z.boolean().optional(),
});
export type PreviewRuleInput = z.infer<typeof previewRuleInput>;
export const rulePreview = z.object({ value: z.number().nullable(), calls: z.number().nullable() });
export type RulePreview = z.infer<typeof rulePreview>;

export const alertRule = z.object({
  id: z.string(),
  name: z.string(),
  metric: z.enum(ALERT_METRICS),
  criterionId: z.string().nullable(),
  agentId: z.string().nullable(),
  windowMinutes: z.number(),
  comparator: z.enum(["above", "below"]),
  threshold: z.number(),
  minCalls: z.number(),
  channelIds: z.array(z.string()),
  enabled: z.boolean(),
  state: z.enum(["ok", "firing"]),
  lastValue: z.number().nullable(),
  lastEvaluatedAt: isoDateTime.nullable(),
  lastFiredAt: isoDateTime.nullable(),
});
export type AlertRule = z.infer<typeof alertRule>;
export const alertRuleList = z.object({ data: z.array(alertRule) });
export type AlertRuleList = z.infer<typeof alertRuleList>;

export const alertEventsQuery = z.object({
  ruleId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});
export const alertEvent = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleName: z.string(),
  metric: z.enum(ALERT_METRICS),
  state: z.enum(["firing", "resolved"]),
  value: z.number().nullable(),
  threshold: z.number(),
  at: isoDateTime,
  window: z.object({ from: isoDateTime, to: isoDateTime }),
  deliveries: z.array(deliveryOutcome),
});
export type AlertEvent = z.infer<typeof alertEvent>;
export const alertEventPage = z.object({ data: z.array(alertEvent), nextCursor: z.string().nullable() });
export type AlertEventPage = z.infer<typeof alertEventPage>;

export const channelTestResult = deliveryOutcome;

export const digestPreview = z.object({
  period: z.object({ from: isoDateTime, to: isoDateTime }),
  html: z.string(),
  text: z.string(),
});
export type DigestPreview = z.infer<typeof digestPreview>;
