/**
 * Pulls an agent's conversations from ElevenLabs: the safety net under webhooks. Idempotent (what it fetches goes
 * into the inbox, like a webhook, and the projector merges it) and resumable (the list cursor is checkpointed after
 * every page).
 */
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { agents, callLogs, integrations } from "../../db/schema";
import type { AppDeps } from "../../deps";
import { tenantCtx } from "../../tenant-context";
import { type Ctx } from "../context";
import { ElevenLabsError } from "../../elevenlabs/errors";
import type { ElevenLabsClient } from "../../elevenlabs/client";
import type { ConversationDetail, ConversationListItem } from "../../elevenlabs/types";
import type { SyncJob } from "../jobs";
import { elevenLabsClient, markKeyRejected } from "../integrations/integration-service";
import { insertInboxEvent } from "../ingestion/inbox";
import { deletedConversations, filterInboxPayload, ingestionPolicy, type IngestionPolicy } from "../redaction/ingestion-policy";
import { ELEVENLABS_ID_PATTERN } from "@shared/constants";
import type { SyncPayload } from "../ingestion/interpret";

/** Incremental syncs look back this far, for calls that finished processing after the last run. */
const OVERLAP_SECONDS = 60 * 60;
const PAGE_SIZE = 100;
const DETAIL_CONCURRENCY = 4;
const FINAL = ["done", "failed"];
/** Agent names are cached; sync refreshes a name at most this often (unless a person renamed the agent). */
const NAME_TTL_MS = 6 * 60 * 60 * 1000;

export type SyncResult = {
  /** "partial": checkpointed and handed back (time slice used up, or shutting down); continue with `resume`. */
  status: "done" | "partial" | "skipped" | "error";
  conversations: number;
  fetched: number;
  reason?: string;
  resume?: { cursor: string; after?: number };
};

export type SyncOptions = {
  /** Asked after every checkpoint (each page): true ends the run there with status "partial". */
  shouldYield?: () => boolean;
};

/** A temporary failure (rate limit, outage): the job should be retried later. */
export class SyncRetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

async function setAgentSync(ctx: Ctx, agentId: string, values: Partial<typeof agents.$inferInsert>) {
  await ctx.db
    .update(agents)
    .set(values)
    .where(and(eq(agents.id, agentId), eq(agents.organizationId, ctx.organizationId)));
}

/** Conversation ids of this page we already hold in final form (nothing to fetch). */
async function alreadyFinal(ctx: Ctx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await ctx.db
    .select({ conversationId: callLogs.conversationId })
    .from(callLogs)
    .where(
      and(
        eq(callLogs.organizationId, ctx.organizationId),
        inArray(callLogs.conversationId, ids),
        inArray(callLogs.status, FINAL),
        sql`${callLogs.transcript} is not null`,
      ),
    );
  return new Set(rows.map((r) => r.conversationId));
}

/**
 * Writes what sync learned of one conversation into the inbox (type sync_conversation, event time = fetch time):
 * the projector builds the call exactly as it builds a webhook's.
 */
async function recordFetch(ctx: Ctx, conversationId: string, content: Pick<SyncPayload, "item" | "detail">, policy: IngestionPolicy): Promise<void> {
  const fetchedAt = ctx.now();
  const payload: SyncPayload = { fetched_at: Math.floor(fetchedAt.getTime() / 1000), ...content };
  await insertInboxEvent(ctx.db, { organizationId: ctx.organizationId, type: "sync_conversation", source: "sync", conversationId, eventAt: fetchedAt, payload: filterInboxPayload(payload, policy) });
  ctx.ingestion.signalInbox();
}

/** The detail of a conversation, or null when ElevenLabs has none or sends one we cannot read (logged, skipped). */
async function fetchDetail(ctx: Ctx, client: ElevenLabsClient, conversationId: string): Promise<ConversationDetail | null> {
  try {
    return await client.getConversation(conversationId);
  } catch (err) {
    if (!(err instanceof ElevenLabsError) || !["not_found", "bad_response", "invalid_id"].includes(err.code)) throw err;
    if (err.code !== "not_found") ctx.log.warn({ conversationId, code: err.code }, "sync: conversation detail unreadable; skipped");
    return null;
  }
}

async function storeConversation(ctx: Ctx, client: ElevenLabsClient, item: ConversationListItem, policy: IngestionPolicy): Promise<boolean> {
  const detail = !item.status || FINAL.includes(item.status) ? await fetchDetail(ctx, client, item.conversation_id) : null;
  await recordFetch(ctx, item.conversation_id, { item, detail }, policy);
  return detail !== null;
}

/** Re-fetches calls we hold in a non-final state (still processing when last seen). */
async function refreshUnfinished(ctx: Ctx, client: ElevenLabsClient, elevenlabsAgentId: string, policy: IngestionPolicy): Promise<number> {
  const rows = await ctx.db
    .select({ conversationId: callLogs.conversationId })
    .from(callLogs)
    .where(
      and(
        eq(callLogs.organizationId, ctx.organizationId),
        eq(callLogs.elevenlabsAgentId, elevenlabsAgentId),
        or(sql`${callLogs.status} not in ('done', 'failed')`, and(eq(callLogs.status, "done"), isNull(callLogs.transcript))),
        lt(callLogs.updatedAt, new Date(ctx.now().getTime() - 60_000)),
      ),
    )
    .limit(PAGE_SIZE);
  let n = 0;
  await mapLimit(rows, DETAIL_CONCURRENCY, async ({ conversationId }) => {
    if (!ELEVENLABS_ID_PATTERN.test(conversationId)) return;
    const detail = await fetchDetail(ctx, client, conversationId);
    if (!detail) return;
    await recordFetch(ctx, conversationId, { detail }, policy);
    n++;
  });
  return n;
}

export async function syncAgent(deps: AppDeps, job: SyncJob & { agentId: string }, options: SyncOptions = {}): Promise<SyncResult> {
  const ctx = tenantCtx(deps, job.organizationId);
  const [agent] = await ctx.db
    .select()
    .from(agents)
    .where(and(eq(agents.id, job.agentId), eq(agents.organizationId, ctx.organizationId)));
  if (!agent) return { status: "skipped", conversations: 0, fetched: 0, reason: "agent removed" };

  const [integration] = await ctx.db
    .select()
    .from(integrations)
    .where(and(eq(integrations.organizationId, ctx.organizationId), eq(integrations.provider, "elevenlabs")));
  if (!integration?.encryptedApiKey) {
    await setAgentSync(ctx, agent.id, { syncStatus: "error", syncError: "integration_required: Connect your ElevenLabs account to sync." });
    return { status: "skipped", conversations: 0, fetched: 0, reason: "no key" };
  }
  if (integration.status === "ERROR" && /^(invalid_api_key|missing_permissions)/.test(integration.lastError ?? "")) {
    await setAgentSync(ctx, agent.id, { syncStatus: "error", syncError: integration.lastError });
    return { status: "skipped", conversations: 0, fetched: 0, reason: "key rejected" };
  }
  const now = deps.now();
  if (integration.syncBlockedUntil && integration.syncBlockedUntil > now)
    throw new SyncRetryLater("rate limited", Math.ceil((integration.syncBlockedUntil.getTime() - now.getTime()) / 1000));

  const policy = await ingestionPolicy(ctx.db, ctx.organizationId);
  const apiKey = deps.encryptor.decrypt(integration.encryptedApiKey, ctx.organizationId, "elevenlabs_api_key");
  const client = elevenLabsClient(ctx, apiKey);
  // A continuation resumes exactly where its previous slice stopped; otherwise a backfill resumes from its checkpoint.
  // A backfill job that runs again after its agent was synced (a retry of a job whose process died) is incremental.
  const caughtUp = agent.syncWatermark !== null && agent.syncCursor === null;
  const incremental = job.resume ? job.resume.after !== undefined : caughtUp && (job.mode === "incremental" || agent.lastSyncedAt !== null);
  const after = job.resume ? job.resume.after : incremental ? Math.floor(agent.syncWatermark!.getTime() / 1000) - OVERLAP_SECONDS : undefined;
  let cursor = job.resume ? job.resume.cursor : incremental ? null : agent.syncCursor;
  let watermark = agent.syncWatermark;
  let conversations = 0;
  let fetched = 0;
  await setAgentSync(ctx, agent.id, { syncStatus: "running", syncError: null });

  try {
    if (!agent.nameIsCustom && (!agent.nameRefreshedAt || now.getTime() - agent.nameRefreshedAt.getTime() > NAME_TTL_MS)) {
      const remote = await client.getAgent(agent.elevenlabsAgentId);
      await setAgentSync(ctx, agent.id, { name: remote.name?.slice(0, 200) || agent.name, nameRefreshedAt: now });
    }
    for (;;) {
      const page = await client.listConversations({ agentId: agent.elevenlabsAgentId, cursor, pageSize: PAGE_SIZE, callStartAfterUnix: after });
      if (page.skipped > 0) ctx.log.warn({ agentId: agent.id, skipped: page.skipped }, "sync: unreadable conversation rows in page; skipped");
      const ids = page.conversations.map((c) => c.conversation_id).filter((id) => ELEVENLABS_ID_PATTERN.test(id));
      const [have, deleted] = await Promise.all([alreadyFinal(ctx, ids), deletedConversations(ctx.db, ctx.organizationId, ids)]);
      const todo = page.conversations.filter((c) => {
        if (!ELEVENLABS_ID_PATTERN.test(c.conversation_id)) {
          // One bad row never stops the agent's sync.
          ctx.log.warn({ agentId: agent.id, conversationId: c.conversation_id.slice(0, 200) }, "sync: malformed conversation id in page; skipped");
          return false;
        }
        // Deleted calls are not fetched again, let alone stored (DESIGN.md §11).
        return !have.has(c.conversation_id) && !deleted.has(c.conversation_id) && c.agent_id === agent.elevenlabsAgentId;
      });
      await mapLimit(todo, DETAIL_CONCURRENCY, async (item) => {
        if (await storeConversation(ctx, client, item, policy)) fetched++;
      });
      conversations += page.conversations.length;
      for (const c of page.conversations) {
        const started = typeof c.start_time_unix_secs === "number" ? new Date(c.start_time_unix_secs * 1000) : null;
        if (started && (!watermark || started > watermark)) watermark = started;
      }
      cursor = page.has_more && page.next_cursor ? page.next_cursor : null;
      // Checkpoint: a crash from here on resumes with the next page, not from the start.
      await setAgentSync(ctx, agent.id, { syncCursor: incremental ? null : cursor, syncWatermark: incremental ? agent.syncWatermark : watermark });
      if (!cursor) break;
      if (options.shouldYield?.()) {
        await setAgentSync(ctx, agent.id, { syncStatus: "queued" });
        return { status: "partial", conversations, fetched, resume: { cursor, ...(after !== undefined ? { after } : {}) } };
      }
    }
    fetched += await refreshUnfinished(ctx, client, agent.elevenlabsAgentId, policy);
    await setAgentSync(ctx, agent.id, { syncStatus: "idle", syncError: null, lastSyncedAt: deps.now(), syncCursor: null, syncWatermark: watermark });
    return { status: "done", conversations, fetched };
  } catch (err) {
    if (!(err instanceof ElevenLabsError)) {
      await setAgentSync(ctx, agent.id, { syncStatus: "error", syncError: "internal_error: The sync failed; it will be retried." });
      throw err;
    }
    if (err.code === "invalid_api_key" || err.code === "missing_permissions") {
      await markKeyRejected(ctx, err);
      await setAgentSync(ctx, agent.id, { syncStatus: "error", syncError: err.summary });
      return { status: "error", conversations, fetched, reason: err.code };
    }
    if (err.code === "agent_not_found" || err.code === "invalid_id") {
      await setAgentSync(ctx, agent.id, { syncStatus: "error", syncError: err.summary });
      return { status: "error", conversations, fetched, reason: err.code };
    }
    const wait = err.retryAfterSeconds ?? 60;
    if (err.code === "rate_limited")
      await ctx.db
        .update(integrations)
        .set({ syncBlockedUntil: new Date(deps.now().getTime() + wait * 1000) })
        .where(and(eq(integrations.id, integration.id), eq(integrations.organizationId, ctx.organizationId)));
    await setAgentSync(ctx, agent.id, { syncStatus: "error", syncError: `${err.summary} Retrying automatically.` });
    throw new SyncRetryLater(err.summary, wait);
  }
}

/** Agents due for a periodic sync: every agent of an organization whose key is not known bad. */
export async function agentsToSync(deps: AppDeps): Promise<{ organizationId: string; agentId: string }[]> {
  const rows = await deps.db
    .select({ organizationId: agents.organizationId, agentId: agents.id })
    .from(agents)
    .innerJoin(integrations, and(eq(integrations.organizationId, agents.organizationId), eq(integrations.provider, "elevenlabs")))
    .where(and(sql`${integrations.encryptedApiKey} is not null`, sql`${integrations.status} <> 'ERROR'`));
  return rows;
}

/** Every agent of one organization (a sync request without an agent means all of them). */
export async function agentsOfOrganization(deps: Pick<AppDeps, "db">, organizationId: string): Promise<string[]> {
  const rows = await deps.db.select({ id: agents.id }).from(agents).where(eq(agents.organizationId, organizationId));
  return rows.map((r) => r.id);
}
