/** Alerting: channels (encrypted targets), rules with their state, firing history, deliveries, weekly digests sent. */
import { sql } from "drizzle-orm";
import { boolean, date, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { agents } from "./integrations";
import { organizations } from "./organizations";
import { tenantPolicy } from "./tenancy";

export const alertChannels = pgTable(
  "alert_channels",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    type: text({ enum: ["slack", "webhook", "email"] }).notNull(),
    name: text().notNull(),
    /** The URL or the email list, encrypted like API keys (purpose alert_channel_target). */
    encryptedTarget: text().notNull(),
    targetHint: text().notNull(),
    /** Standard Webhooks signing secret (whsec_…) of a webhook channel, encrypted (purpose alert_channel_secret). */
    encryptedSecret: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("alert_channels_organization_idx").on(t.organizationId), tenantPolicy("alert_channels", t.organizationId)],
).enableRLS();

export type AlertAttempt = { at: string; status: number | null; error: string | null; ms: number };

export const alertRules = pgTable(
  "alert_rules",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    name: text().notNull(),
    metric: text().notNull(),
    criterionId: text(),
    agentId: uuid().references(() => agents.id, { onDelete: "cascade" }),
    windowMinutes: integer().notNull(),
    comparator: text({ enum: ["above", "below"] }).notNull(),
    threshold: doublePrecision().notNull(),
    minCalls: integer().notNull().default(5),
    channelIds: uuid()
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    enabled: boolean().notNull().default(true),
    state: text({ enum: ["ok", "firing"] }).notNull().default("ok"),
    lastValue: doublePrecision(),
    lastEvaluatedAt: timestamp({ withTimezone: true }),
    lastFiredAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("alert_rules_organization_idx").on(t.organizationId),
    index("alert_rules_enabled_idx").on(t.enabled, t.lastEvaluatedAt),
    tenantPolicy("alert_rules", t.organizationId),
  ],
).enableRLS();

export const alertEvents = pgTable(
  "alert_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    ruleId: uuid()
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    state: text({ enum: ["firing", "resolved"] }).notNull(),
    value: doublePrecision(),
    threshold: doublePrecision().notNull(),
    calls: integer(),
    windowFrom: timestamp({ withTimezone: true }).notNull(),
    windowTo: timestamp({ withTimezone: true }).notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("alert_events_org_at_idx").on(t.organizationId, t.at.desc(), t.id.desc()), tenantPolicy("alert_events", t.organizationId)],
).enableRLS();

/**
 * One notification of one event (or a "Send test") to one channel: the outbox. Written with the event in the
 * evaluation's transaction, sent afterwards; every attempt is appended to `attempts`.
 */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    eventId: uuid().references(() => alertEvents.id, { onDelete: "cascade" }),
    channelId: uuid()
      .notNull()
      .references(() => alertChannels.id, { onDelete: "cascade" }),
    /** The Standard Webhooks message id (webhook-id), the same on every attempt. */
    messageId: text().notNull(),
    payload: jsonb().notNull(),
    state: text({ enum: ["pending", "sent", "failed"] }).notNull().default("pending"),
    attempts: jsonb().$type<AlertAttempt[]>().notNull().default([]),
    lastStatus: integer(),
    lastError: text(),
    /** Set while an instance is sending it; an expired lease means that instance died and anyone may resume. */
    leaseUntil: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("alert_deliveries_event_idx").on(t.eventId),
    index("alert_deliveries_pending_idx")
      .on(t.createdAt)
      .where(sql`state = 'pending'`),
    tenantPolicy("alert_deliveries", t.organizationId),
  ],
).enableRLS();

/** One row per organization and digest week (its Monday): a week is mailed once, whatever the instances. */
export const digestRuns = pgTable(
  "digest_runs",
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    weekStart: date().notNull(),
    recipients: integer().notNull().default(0),
    sentAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("digest_runs_org_week_key").on(t.organizationId, t.weekStart), tenantPolicy("digest_runs", t.organizationId)],
).enableRLS();
