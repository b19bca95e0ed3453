/** The organization's agents around the usage figures: which agent a filter means, their names, the price per minute. */
import { and, eq } from "drizzle-orm";
import { agents, organizations } from "../../db/schema";
import type { Ctx } from "../context";
import type { AgentScope, AgentUsage } from "./usage";

/** The agent's ElevenLabs id when it belongs to the organization, else null (its calls are nobody's business). */
export async function agentScopeOf(ctx: Ctx, agentId: string | undefined): Promise<AgentScope> {
  if (!agentId) return undefined;
  const [row] = await ctx.db
    .select({ elevenlabsAgentId: agents.elevenlabsAgentId })
    .from(agents)
    .where(and(eq(agents.organizationId, ctx.organizationId), eq(agents.id, agentId)));
  return row ? row.elevenlabsAgentId : null;
}

export async function registeredAgents(ctx: Ctx) {
  return ctx.db
    .select({ id: agents.id, elevenlabsAgentId: agents.elevenlabsAgentId, name: agents.name })
    .from(agents)
    .where(eq(agents.organizationId, ctx.organizationId));
}

export async function pricePerMinute(ctx: Ctx): Promise<number> {
  const [row] = await ctx.db
    .select({ price: organizations.pricePerMinuteUsd })
    .from(organizations)
    .where(eq(organizations.id, ctx.organizationId));
  return Number(row?.price ?? 0);
}

/** Rounded only at the edge of the API (DESIGN.md: sums are exact, minutes and money rounded to 2 decimals). */
export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

/** Registered agents (zero rows included, unless one agent is asked for) joined with the usage rows by ElevenLabs id. */
export function withAgentNames(
  usage: AgentUsage[],
  known: Array<{ id: string; elevenlabsAgentId: string; name: string }>,
  scope: AgentScope,
): Array<AgentUsage & { agentId: string | null; name: string | null }> {
  const byElevenLabsId = new Map(usage.map((u) => [u.elevenlabsAgentId, u]));
  const result: Array<AgentUsage & { agentId: string | null; name: string | null }> = [];
  for (const agent of known) {
    if (scope !== undefined && agent.elevenlabsAgentId !== scope) continue;
    const u = byElevenLabsId.get(agent.elevenlabsAgentId);
    byElevenLabsId.delete(agent.elevenlabsAgentId);
    result.push({
      ...(u ?? {
        elevenlabsAgentId: agent.elevenlabsAgentId,
        calls: 0,
        seconds: 0,
        successCalls: 0,
        failureCalls: 0,
        durationCalls: 0,
        credits: 0,
      }),
      agentId: agent.id,
      name: agent.name,
    });
  }
  for (const u of byElevenLabsId.values()) result.push({ ...u, agentId: null, name: null });
  return result.sort(
    (a, b) =>
      b.calls - a.calls ||
      b.seconds - a.seconds ||
      (a.name ?? a.elevenlabsAgentId).localeCompare(b.name ?? b.elevenlabsAgentId),
  );
}
