/** DELETE /api/call-logs/:id (DESIGN.md §11): the call, its audio and its raw events; a tombstone keeps it deleted. */
import { sql } from "drizzle-orm";
import type { Ctx } from "../context";
import { notFound } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";
import { deleteCallsBatch } from "../retention/delete-calls";

export async function deleteCallLog(ctx: Ctx, id: string, ip?: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const deleted = await deleteCallsBatch(tx, ctx.organizationId, sql`c.id = ${id}::uuid`, 1, "deleted");
    if (deleted.calls === 0) throw notFound("Call");
    await recordAudit(tx, {
      organizationId: ctx.organizationId,
      actorUserId: ctx.userId,
      action: "call.deleted",
      target: `conversation ${deleted.conversationIds[0]} (${deleted.rawEvents} raw events)`,
      ip,
    });
  });
}
