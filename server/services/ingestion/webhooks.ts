/**
 * ElevenLabs post-call webhooks. Order of work: find the organization, verify the signature on the raw bytes,
 * parse, store the call and the event in one transaction, and only then acknowledge.
 */
import { and, eq, isNotNull } from "drizzle-orm";
import { z } from "zod";
import { agents, integrations, organizations, webhookEvents } from "../../db/schema";
import { tenantDb } from "../../db/tenant";
import type { AppDeps } from "../../lib/context";
import { AppError } from "../../lib/errors";
import { storableJson } from "../../lib/storable-json";
import { conversationDetail, webhookEnvelope, type WebhookEnvelope } from "../../elevenlabs/types";
import { verifySignature } from "../../elevenlabs/webhook-signature";
import { fromDetail, fromInitiationFailure, type CallFields } from "./normalize";
import { storeAudio, upsertCall } from "./upsert-call";
import { deletedConversations, ingestionPolicy } from "../redaction/ingestion-policy";
import { redactWebhookEvent } from "../redaction/redact-conversation";

export type WebhookDelivery = { webhookToken?: string; rawBody: Buffer; signature: string | undefined };
export type WebhookOutcome = { received: true; conversationId: string | null; callLogId: string | null };

const unverified = () => new AppError("invalid_signature", 401, "The webhook signature could not be verified");

type Candidate = { organizationId: string; encryptedSecret: string };

/**
 * Per-organization URLs resolved recently (token -> organization and its *encrypted* secret), per database pool.
 * Busy agents deliver many times a second; the lookup was a query on every one (npm run bench, ingestion). An entry
 * lives TOKEN_CACHE_MS, only answers that verified are kept, a signature that fails against a cached secret is
 * checked again against the database (so a new secret works at once), and saving or deleting an integration drops
 * its organization's entries in this process. Another instance may accept the old secret for TOKEN_CACHE_MS.
 */
const TOKEN_CACHE_MS = 10_000;
const tokenCache = new WeakMap<object, Map<string, { at: number; candidates: Candidate[] }>>();

function tokenCacheOf(deps: AppDeps) {
  let cache = tokenCache.get(deps.db.$client);
  if (!cache) tokenCache.set(deps.db.$client, (cache = new Map()));
  return cache;
}

/** Called when an organization's webhook secret or integration changes. */
export function forgetWebhookSecrets(deps: AppDeps, organizationId: string): void {
  const cache = tokenCacheOf(deps);
  for (const [token, entry] of cache) if (entry.candidates.some((c) => c.organizationId === organizationId)) cache.delete(token);
}

async function candidatesByToken(deps: AppDeps, token: string): Promise<Candidate[]> {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return [];
  const rows = await deps.db
    .select({ organizationId: organizations.id, encryptedSecret: integrations.encryptedWebhookSecret })
    .from(organizations)
    .innerJoin(integrations, and(eq(integrations.organizationId, organizations.id), eq(integrations.provider, "elevenlabs")))
    .where(and(eq(organizations.webhookToken, token), isNotNull(integrations.encryptedWebhookSecret)));
  return rows.filter((r): r is Candidate => r.encryptedSecret !== null);
}

/** The seed's shared URL: organizations that registered data.agent_id and configured a secret. */
async function candidatesByAgent(deps: AppDeps, rawBody: Buffer): Promise<Candidate[]> {
  let agentId: unknown;
  try {
    agentId = (JSON.parse(rawBody.toString("utf8")) as { data?: { agent_id?: unknown } })?.data?.agent_id;
  } catch {
    return [];
  }
  if (typeof agentId !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(agentId)) return [];
  const rows = await deps.db
    .select({ organizationId: agents.organizationId, encryptedSecret: integrations.encryptedWebhookSecret })
    .from(agents)
    .innerJoin(integrations, and(eq(integrations.organizationId, agents.organizationId), eq(integrations.provider, "elevenlabs")))
    .where(and(eq(agents.elevenlabsAgentId, agentId), isNotNull(integrations.encryptedWebhookSecret)));
  return rows.filter((r): r is Candidate => r.encryptedSecret !== null);
}

function verifiedOrganization(deps: AppDeps, candidates: Candidate[], delivery: WebhookDelivery): string | null {
  const now = Math.floor(deps.now().getTime() / 1000);
  for (const c of candidates) {
    let secret: string;
    try {
      secret = deps.encryptor.decrypt(c.encryptedSecret, c.organizationId, "elevenlabs_webhook_secret");
    } catch {
      continue;
    }
    if (verifySignature(delivery.signature, delivery.rawBody, secret, now).ok) return c.organizationId;
  }
  return null;
}

const audioData = z.object({
  agent_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  conversation_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  full_audio: z.string().min(1).regex(/^[A-Za-z0-9+/=\r\n]+$/, "full_audio must be base64"),
});
const ids = z.object({ agent_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/), conversation_id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/) });

function invalidPayload(message: string): AppError {
  return new AppError("invalid_payload", 400, message);
}

/** What the event says, as call fields (and audio bytes); null for event types that carry no call. */
function interpret(event: WebhookEnvelope): { fields: CallFields; audio?: Buffer } | null {
  const eventTime = typeof event.event_timestamp === "number" ? new Date(event.event_timestamp * 1000) : null;
  switch (event.type) {
    case "post_call_transcription": {
      const detail = conversationDetail.safeParse(event.data);
      if (!detail.success || !ids.safeParse(event.data).success) throw invalidPayload("data is not a conversation");
      return { fields: fromDetail(detail.data) };
    }
    case "post_call_audio": {
      const parsed = audioData.safeParse(event.data);
      if (!parsed.success) throw invalidPayload("data needs agent_id, conversation_id and base64 full_audio");
      const audio = Buffer.from(parsed.data.full_audio, "base64");
      if (audio.length === 0) throw invalidPayload("full_audio is empty");
      return { fields: { elevenlabsAgentId: parsed.data.agent_id, conversationId: parsed.data.conversation_id, hasAudio: true }, audio };
    }
    case "call_initiation_failure": {
      if (!ids.safeParse(event.data).success) throw invalidPayload("data needs agent_id and conversation_id");
      const fields = fromInitiationFailure(event.data)!;
      return { fields: { ...fields, startedAt: fields.startedAt ?? eventTime } };
    }
    default:
      return null;
  }
}

/** The event as kept in webhook_events: the audio replaced by its size. */
function loggedPayload(event: WebhookEnvelope): Record<string, unknown> {
  if (event.type !== "post_call_audio" || typeof event.data.full_audio !== "string") return event;
  return { ...event, data: { ...event.data, full_audio: `<${Math.floor((event.data.full_audio.length * 3) / 4)} bytes stripped>` } };
}

/** The webhook_events row of a verified delivery: what came (audio stripped) and what became of it. */
function eventRow(organizationId: string, event: WebhookEnvelope | null, outcome: { conversationId?: string | null; error: string | null }) {
  return {
    organizationId,
    type: event ? event.type.slice(0, 64) : null,
    conversationId: outcome.conversationId ?? null,
    signatureOk: true,
    processedAt: outcome.error === null || outcome.error.startsWith("ignored") ? new Date() : null,
    error: outcome.error,
    payload: event ? loggedPayload(event) : null,
  };
}

export async function receiveWebhook(deps: AppDeps, delivery: WebhookDelivery): Promise<WebhookOutcome> {
  const token = delivery.webhookToken;
  const cache = tokenCacheOf(deps);
  const cached = token ? cache.get(token) : undefined;
  let organizationId = cached && deps.now().getTime() - cached.at < TOKEN_CACHE_MS ? verifiedOrganization(deps, cached.candidates, delivery) : null;
  let candidates = cached?.candidates ?? [];
  if (!organizationId) {
    candidates = token ? await candidatesByToken(deps, token) : await candidatesByAgent(deps, delivery.rawBody);
    organizationId = verifiedOrganization(deps, candidates, delivery);
    if (token && organizationId) {
      if (cache.size >= 10_000) cache.clear();
      cache.set(token, { at: deps.now().getTime(), candidates });
    }
  }
  if (!organizationId) {
    deps.log.warn({ candidates: candidates.length }, "webhook rejected: signature not verified");
    throw unverified();
  }
  // The organization is known and verified from here on: everything runs scoped to it.
  const db = tenantDb(deps.db, organizationId);

  let event: WebhookEnvelope;
  try {
    const parsed = webhookEnvelope.safeParse(JSON.parse(delivery.rawBody.toString("utf8"), storableJson));
    if (!parsed.success) throw invalidPayload("Expected { type, event_timestamp, data }");
    event = parsed.data;
  } catch (err) {
    const error = err instanceof AppError ? err : new AppError("invalid_json", 400, "The webhook body is not valid JSON");
    await db.insert(webhookEvents).values(eventRow(organizationId, null, { error: error.code }));
    throw error;
  }

  // Redaction happens here, before anything of the delivery is stored or indexed (DESIGN.md §11).
  const policy = await ingestionPolicy(db, organizationId, deps.env);
  event = redactWebhookEvent(event, policy.kinds);

  let interpreted: ReturnType<typeof interpret>;
  try {
    interpreted = interpret(event);
  } catch (err) {
    const conversationId = typeof event.data.conversation_id === "string" ? event.data.conversation_id.slice(0, 128) : null;
    const error = err instanceof AppError ? `${err.code}: ${err.message}` : "invalid_payload";
    await db.insert(webhookEvents).values(eventRow(organizationId, event, { conversationId, error }));
    throw err;
  }

  const conversationId = interpreted?.fields.conversationId ?? null;
  if (conversationId && (await deletedConversations(db, organizationId, [conversationId])).has(conversationId)) {
    // A retried delivery of a deleted call: acknowledged, and nothing of it kept.
    await db.insert(webhookEvents).values({ ...eventRow(organizationId, null, { conversationId, error: "ignored: call deleted" }), type: event.type.slice(0, 64) });
    return { received: true as const, conversationId, callLogId: null };
  }
  if (interpreted && !policy.storeAudio) {
    // Recordings are not kept for this organization: the bytes are dropped, and the call offers none.
    interpreted = { fields: { ...interpreted.fields, hasAudio: false } };
  }
  return db.transaction(async (tx) => {
    // The event first: upsertCall ends with the hourly rollup row, which every delivery of the same agent and hour
    // updates, so its lock is taken as late as possible and held only until commit (npm run bench, ingestion).
    await tx.insert(webhookEvents).values(eventRow(organizationId, event, { conversationId, error: interpreted ? null : "ignored: unknown event type" }));
    let callLogId: string | null = null;
    if (interpreted) {
      const result = await upsertCall(tx, organizationId, interpreted.fields, "webhook");
      callLogId = result.id;
      if (interpreted.audio && result.id) await storeAudio(tx, organizationId, result.id, interpreted.audio);
    }
    return { received: true as const, conversationId, callLogId };
  });
}
