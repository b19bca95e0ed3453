import { and, eq } from "drizzle-orm";
import type { CallLogDetail } from "@shared/schemas";
import { agents, callLogs } from "../../db/schema";
import type { Ctx } from "../context";
import { notFound } from "../../lib/errors";
import { detailColumns } from "./call-page";
import { toCallDetail, type DetailRow } from "./call-views";
import { masksPhones } from "./phone-mask";

/** One call with transcript and analysis; another organization's id is simply not found. */
export async function getCallLog(ctx: Ctx, id: string): Promise<CallLogDetail> {
  const [row] = await ctx.db
    .select(detailColumns)
    .from(callLogs)
    .leftJoin(agents, and(eq(agents.id, callLogs.agentId), eq(agents.organizationId, ctx.organizationId)))
    .where(and(eq(callLogs.organizationId, ctx.organizationId), eq(callLogs.id, id)));
  if (!row) throw notFound("Call");
  return toCallDetail(row as unknown as DetailRow, { maskPhones: await masksPhones(ctx) });
}
