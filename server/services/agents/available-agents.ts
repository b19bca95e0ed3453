/** The agents an organization's ElevenLabs key can see (DESIGN §14), marked when already registered: the Add agent picker. */
import { and, eq, inArray } from "drizzle-orm";
import type { AvailableAgentsPage } from "@shared/schemas";
import { agents } from "../../db/schema";
import type { Ctx } from "../context";
import { elevenLabsClient, requireApiKey, toAppError } from "../integrations/integration-service";

const PAGE_SIZE = 30;

export async function listAvailableAgents(ctx: Ctx, query: { search?: string; cursor?: string }): Promise<AvailableAgentsPage> {
  const apiKey = await requireApiKey(ctx);
  let page;
  try {
    // ElevenLabs' own cursor is passed through: it is opaque to us as ours is to the client.
    page = await elevenLabsClient(ctx, apiKey).listAgents({ pageSize: PAGE_SIZE, cursor: query.cursor, search: query.search || undefined });
  } catch (err) {
    throw await toAppError(ctx, err);
  }
  const ids = page.agents.map((a) => a.agent_id);
  const registered = ids.length
    ? await ctx.db
        .select({ id: agents.elevenlabsAgentId })
        .from(agents)
        .where(and(eq(agents.organizationId, ctx.organizationId), inArray(agents.elevenlabsAgentId, ids)))
    : [];
  const known = new Set(registered.map((r) => r.id));
  return {
    data: page.agents.map((a) => ({ elevenLabsAgentId: a.agent_id, name: a.name || a.agent_id, registered: known.has(a.agent_id) })),
    nextCursor: page.has_more === false ? null : (page.next_cursor ?? null),
  };
}
