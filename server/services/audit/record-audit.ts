import type { Queryable } from "../../db/tenant";
import { auditLog } from "../../db/schema";
import { normalizeAddress } from "../../lib/rate-limit";

export type AuditEntry = {
  organizationId: string;
  actorUserId?: string | null;
  action: string;
  target?: string | null;
  ip?: string | null;
};

/** Append-only audit trail; inside a transaction (tx) the entry commits or rolls back with the action. */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    organizationId: entry.organizationId,
    actorUserId: entry.actorUserId || null,
    action: entry.action,
    target: entry.target ?? null,
    // "::ffff:203.0.113.5" is how Node spells an IPv4 client on a dual-stack socket; people read 203.0.113.5.
    ip: normalizeAddress(entry.ip),
  });
}
