/** Registered ElevenLabs agents of an organization. Names are cached here, refreshed by sync, never per page load. */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Agent } from "@shared/schemas";
import { agents, callLogs } from "../../db/schema";
import type { Ctx } from "../context";
import { AppError, notFound } from "../../lib/errors";
import { recordAudit } from "../audit/record-audit";
import { elevenLabsClient, requireApiKey, toAppError } from "../integrations/integration-service";

type AgentRow = typeof agents.$inferSelect;

export async function validateAgent(ctx: Ctx, elevenLabsAgentId: string): Promise<{ elevenLabsAgentId: string; name: string }> {
  const apiKey = await requireApiKey(ctx);
  try {
    const agent = await elevenLabsClient(ctx, apiKey).getAgent(elevenLabsAgentId);
    return { elevenLabsAgentId, name: agent.name || elevenLabsAgentId };
  } catch (err) {
    throw await toAppError(ctx, err);
  }
}

function agentQuery(ctx: Ctx) {
  const stats = ctx.db
    .select({
      total: sql<number>`count(*)`.as("total"),
      today: sql<number>`count(*) filter (where ${callLogs.startedAt} >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC')`.as("today"),
      last: sql<Date | null>`max(${callLogs.startedAt})`.as("last"),
    })
    .from(callLogs)
    .where(and(eq(callLogs.organizationId, ctx.organizationId), eq(callLogs.agentId, agents.id)))
    .as("stats");
  return ctx.db
    .select({ agent: agents, total: stats.total, today: stats.today, last: stats.last })
    .from(agents)
    .leftJoinLateral(stats, sql`true`);
}

function toView(row: { agent: AgentRow; total: number | null; today: number | null; last: Date | string | null }): Agent {
  const a = row.agent;
  return {
    id: a.id,
    elevenLabsAgentId: a.elevenlabsAgentId,
    name: a.name,
    createdAt: a.createdAt.toISOString(),
    callsToday: Number(row.today ?? 0),
    totalCalls: Number(row.total ?? 0),
    lastCallAt: row.last ? new Date(row.last).toISOString() : null,
    sync: { status: a.syncStatus, lastSyncedAt: a.lastSyncedAt?.toISOString() ?? null, error: a.syncError },
  };
}

export async function listAgents(ctx: Ctx): Promise<Agent[]> {
  const rows = await agentQuery(ctx).where(eq(agents.organizationId, ctx.organizationId)).orderBy(asc(agents.createdAt), asc(agents.id));
  return rows.map(toView);
}

export async function getAgent(ctx: Ctx, id: string): Promise<Agent> {
  const [row] = await agentQuery(ctx).where(and(eq(agents.organizationId, ctx.organizationId), eq(agents.id, id)));
  if (!row) throw notFound("Agent");
  return toView(row);
}

export async function createAgent(ctx: Ctx, input: { elevenLabsAgentId: string; name?: string }, ip?: string): Promise<Agent> {
  const [existing] = await ctx.db
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.organizationId, ctx.organizationId), eq(agents.elevenlabsAgentId, input.elevenLabsAgentId)));
  if (existing) throw new AppError("agent_exists", 409, "This agent is already registered");
  const validated = await validateAgent(ctx, input.elevenLabsAgentId);
  const id = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(agents)
      .values({
        organizationId: ctx.organizationId,
        elevenlabsAgentId: input.elevenLabsAgentId,
        name: input.name || validated.name,
        nameIsCustom: Boolean(input.name),
        nameRefreshedAt: ctx.now(),
        syncStatus: "queued",
      })
      .onConflictDoNothing()
      .returning({ id: agents.id });
    if (!row) throw new AppError("agent_exists", 409, "This agent is already registered");
    // Calls that arrived before the agent was registered are linked now.
    await tx
      .update(callLogs)
      .set({ agentId: row.id })
      .where(and(eq(callLogs.organizationId, ctx.organizationId), eq(callLogs.elevenlabsAgentId, input.elevenLabsAgentId), isNull(callLogs.agentId)));
    return row.id;
  });
  await recordAudit(ctx.db, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "agent.created", target: input.elevenLabsAgentId, ip });
  await ctx.jobs.enqueueSync({ organizationId: ctx.organizationId, agentId: id, mode: "backfill" });
  return getAgent(ctx, id);
}

export async function renameAgent(ctx: Ctx, id: string, name: string, ip?: string): Promise<Agent> {
  const [row] = await ctx.db
    .update(agents)
    .set({ name, nameIsCustom: true })
    .where(and(eq(agents.organizationId, ctx.organizationId), eq(agents.id, id)))
    .returning({ elevenlabsAgentId: agents.elevenlabsAgentId });
  if (!row) throw notFound("Agent");
  await recordAudit(ctx.db, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "agent.renamed", target: row.elevenlabsAgentId, ip });
  return getAgent(ctx, id);
}

/** Removes the agent; its calls stay (agent_id set null by the foreign key). */
export async function deleteAgent(ctx: Ctx, id: string, ip?: string): Promise<void> {
  const [row] = await ctx.db
    .delete(agents)
    .where(and(eq(agents.organizationId, ctx.organizationId), eq(agents.id, id)))
    .returning({ elevenlabsAgentId: agents.elevenlabsAgentId });
  if (!row) throw notFound("Agent");
  await recordAudit(ctx.db, { organizationId: ctx.organizationId, actorUserId: ctx.userId, action: "agent.deleted", target: row.elevenlabsAgentId, ip });
}

export async function requestAgentSync(ctx: Ctx, id: string): Promise<{ queued: true }> {
  const [row] = await ctx.db
    .update(agents)
    .set({ syncStatus: "queued", syncError: null })
    .where(and(eq(agents.organizationId, ctx.organizationId), eq(agents.id, id)))
    .returning({ id: agents.id });
  if (!row) throw notFound("Agent");
  await ctx.jobs.enqueueSync({ organizationId: ctx.organizationId, agentId: id, mode: "incremental" });
  return { queued: true };
}
