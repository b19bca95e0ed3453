import type { Db } from "../../db/client";
import { auditLog } from "../../db/schema";

export type AuditEntry = {
  organizationId: string;
  actorUserId?: string | null;
  action: string;
  target?: string | null;
  ip?: string | null;
};

/** Append-only audit trail; never fails the action it records. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    organizationId: entry.organizationId,
    actorUserId: entry.actorUserId || null,
    action: entry.action,
    target: entry.target ?? null,
    ip: entry.ip ?? null,
  });
}
