/** Refused webhook deliveries, counted per organization, reason and minute (no bodies kept). */
import { integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { tenantPolicy } from "./tenancy";

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
  (t) => [primaryKey({ columns: [t.organizationId, t.minute, t.code] }), tenantPolicy("webhook_rejections", t.organizationId)],
).enableRLS();
