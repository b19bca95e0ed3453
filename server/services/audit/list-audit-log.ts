/** The organization's audit trail, newest first, keyset-paginated on (created_at, id). */
import { and, desc, eq, like, or, sql } from "drizzle-orm";
import type { AuditLogPage } from "@shared/schemas";
import type { Ctx } from "../context";
import { auditLog, users } from "../../db/schema";
import { parseApiInstant, STORED_YEARS } from "@shared/dates";
import { AppError } from "../../lib/errors";
import { normalizeAddress } from "../../lib/rate-limit";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

// The cursor carries the microsecond timestamp as PostgreSQL wrote it: a JS Date would drop precision and skip rows.
function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  // A time PostgreSQL would refuse (month 13, hour 25, year 0) is a bad cursor, not a database error.
  if (!createdAt || !id || !TIMESTAMP.test(createdAt) || !parseApiInstant(createdAt, STORED_YEARS) || !UUID.test(id))
    throw new AppError("invalid_input", 400, "Some fields are invalid", { cursor: "Invalid cursor" });
  return { createdAt, id };
}

export async function listAuditLog(ctx: Ctx, input: { limit: number; cursor?: string; action?: string; actorUserId?: string }): Promise<AuditLogPage> {
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const exactCreatedAt = sql<string>`to_char(${auditLog.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const rows = await ctx.db
    .select({
      id: auditLog.id,
      actorUserId: auditLog.actorUserId,
      actorEmail: users.email,
      action: auditLog.action,
      target: auditLog.target,
      ip: auditLog.ip,
      createdAt: auditLog.createdAt,
      exactCreatedAt,
    })
    .from(auditLog)
    .leftJoin(users, and(eq(users.id, auditLog.actorUserId), eq(users.organizationId, auditLog.organizationId)))
    .where(
      and(
        eq(auditLog.organizationId, ctx.organizationId),
        // A kind ("agent") matches its actions ("agent.created"); "_" is escaped, the only LIKE wildcard the validated value can hold.
        input.action ? or(eq(auditLog.action, input.action), like(auditLog.action, `${input.action.replaceAll("_", "\\_")}.%`)) : undefined,
        input.actorUserId ? eq(auditLog.actorUserId, input.actorUserId) : undefined,
        after
          ? sql`(${auditLog.createdAt}, ${auditLog.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({
      id: r.id,
      actorUserId: r.actorUserId,
      actorEmail: r.actorEmail,
      action: r.action,
      target: r.target,
      ip: normalizeAddress(r.ip),
      createdAt: r.createdAt.toISOString(),
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor(last.exactCreatedAt, last.id) : null,
  };
}
