/** Webhook abuse accounting: shared failure counters and refused-delivery counts (no bodies kept). */
import { bigint, integer, pgTable, primaryKey, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * Failed webhook verifications per client address (and token), shared by every instance: rate-limiter-flexible's
 * PostgreSQL store shape (created here, so the app runs no DDL at request time). `expire` is epoch milliseconds.
 */
export const webhookVerificationFailures = pgTable("webhook_verification_failures", {
  key: varchar({ length: 255 }).primaryKey(),
  points: integer().notNull().default(0),
  expire: bigint({ mode: "number" }),
});

/** Refused deliveries per organization, reason and minute, for the ingestion-health panel. */
export const webhookRejections = pgTable(
  "webhook_rejections",
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    minute: timestamp({ withTimezone: true }).notNull(),
    code: text().notNull(),
    count: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.minute, t.code] })],
);
