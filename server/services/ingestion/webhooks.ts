/**
 * ElevenLabs post-call webhooks. Order of work: find the organization, verify the signature on the raw bytes, store
 * the raw event in the inbox, and only then acknowledge; the projector builds the call afterwards.
 */
import { randomUUID } from "node:crypto";
import { and, eq, isNotNull } from "drizzle-orm";
import { z } from "zod";
import { agents, integrations, organizations } from "../../db/schema";
import type { AppDeps } from "../../deps";
import type { WebhookCandidate } from "./webhook-token-cache";
import { AppError } from "../../lib/errors";
import { storableJson } from "../../lib/storable-json";
import { webhookEnvelope } from "../../elevenlabs/types";
import { verifySignature } from "../../elevenlabs/webhook-signature";
import { AUDIO_CHUNK_BYTES, inboxRow, insertAudioChunk, insertInboxEvent, signalInbox } from "./inbox";
import { webhookEvents } from "../../db/schema";
import { deletedConversations, filterInboxPayload, ingestionPolicy } from "../redaction/ingestion-policy";
import { ELEVENLABS_ID } from "./interpret";

export type WebhookDelivery = { webhookToken?: string; rawBody: Buffer; signature: string | undefined };
export type WebhookOutcome = { received: true; conversationId: string | null };

const unverified = () => new AppError("invalid_signature", 401, "The webhook signature could not be verified");

type Candidate = WebhookCandidate;

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
  if (typeof agentId !== "string" || !ELEVENLABS_ID.test(agentId)) return [];
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
  agent_id: z.string().regex(ELEVENLABS_ID),
  conversation_id: z.string().regex(ELEVENLABS_ID),
  full_audio: z.string().min(1).regex(/^[A-Za-z0-9+/=\r\n]+$/, "full_audio must be base64"),
});

/** event_timestamp when it is a plausible unix time, else null (the receive time stands in). */
export function eventTime(value: unknown): Date | null {
  return typeof value === "number" && Number.isFinite(value) && value > 0 && value < 32503680000 ? new Date(Math.round(value * 1000)) : null;
}

/** Stores a verified delivery in the inbox (audio bytes in call_audio_chunks, same transaction) and signals the projector. */
async function storeDelivery(deps: AppDeps, organizationId: string, rawBody: Buffer): Promise<string | null> {
  const db = deps.tenantDb(organizationId);
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString("utf8"), storableJson);
  } catch {
    await insertInboxEvent(db, { organizationId, type: null, source: "webhook", conversationId: null, eventAt: null, payload: null, failed: "invalid_json: the body is not valid JSON" });
    return null;
  }
  const envelope = webhookEnvelope.safeParse(parsed);
  if (!envelope.success) {
    const policy = await ingestionPolicy(db, organizationId);
    const payload = filterInboxPayload(parsed, policy);
    await insertInboxEvent(db, { organizationId, type: null, source: "webhook", conversationId: null, eventAt: null, payload, failed: "invalid_payload: expected { type, event_timestamp, data }" });
    return null;
  }
  const event = envelope.data;
  const conversationId = typeof event.data.conversation_id === "string" ? event.data.conversation_id : null;
  const base = { organizationId, type: event.type, source: "webhook" as const, conversationId, eventAt: eventTime(event.event_timestamp) };
  // DESIGN.md §11: redaction (and the audio setting) apply before anything of the delivery is stored.
  const [policy, deleted] = await Promise.all([
    ingestionPolicy(db, organizationId),
    conversationId ? deletedConversations(db, organizationId, [conversationId]) : Promise.resolve(new Set<string>()),
  ]);
  if (conversationId && deleted.has(conversationId)) {
    // A retried delivery of a deleted call: acknowledged, recorded without its payload, never projected.
    await db.insert(webhookEvents).values({ ...inboxRow({ ...base, payload: null }), state: "ignored", error: "ignored: call deleted", processedAt: new Date() });
    return conversationId;
  }
  if (event.type !== "post_call_audio") {
    const payload = filterInboxPayload(event, policy);
    await insertInboxEvent(db, { ...base, payload });
  } else if (!policy.storeAudio) {
    // Recordings are not kept for this organization: the bytes are dropped unread.
    const { full_audio: _dropped, ...data } = event.data;
    await db
      .insert(webhookEvents)
      .values({ ...inboxRow({ ...base, payload: { ...event, data } }), state: "ignored", error: "ignored: recordings are not kept", processedAt: new Date() });
    return conversationId;
  } else {
    const audio = audioData.safeParse(event.data);
    const bytes = audio.success ? Buffer.from(audio.data.full_audio, "base64") : Buffer.alloc(0);
    const { full_audio: _stripped, ...data } = event.data;
    const payload = { ...event, data: { ...data, full_audio_bytes: bytes.length } };
    if (bytes.length === 0) {
      await insertInboxEvent(db, { ...base, payload, failed: "invalid_payload: data needs agent_id, conversation_id and base64 full_audio" });
      return conversationId;
    }
    const id = randomUUID();
    await db.transaction(async (tx) => {
      for (let seq = 0; seq * AUDIO_CHUNK_BYTES < bytes.length; seq++)
        await insertAudioChunk(tx, organizationId, id, seq, bytes.subarray(seq * AUDIO_CHUNK_BYTES, (seq + 1) * AUDIO_CHUNK_BYTES));
      await insertInboxEvent(tx, { ...base, id, payload });
    });
  }
  signalInbox(deps.db);
  return conversationId;
}

export async function receiveWebhook(deps: AppDeps, delivery: WebhookDelivery): Promise<WebhookOutcome> {
  const token = delivery.webhookToken;
  const cached = token ? deps.webhookTokens.get(token, deps.now().getTime()) : undefined;
  let organizationId = cached ? verifiedOrganization(deps, cached, delivery) : null;
  let candidates = cached ?? [];
  if (!organizationId) {
    candidates = token ? await candidatesByToken(deps, token) : await candidatesByAgent(deps, delivery.rawBody);
    organizationId = verifiedOrganization(deps, candidates, delivery);
    if (token && organizationId) deps.webhookTokens.set(token, candidates, deps.now().getTime());
  }
  if (!organizationId) {
    deps.log.warn({ candidates: candidates.length }, "webhook rejected: signature not verified");
    throw unverified();
  }
  // Verified from here on: whatever the body holds, it is stored and acknowledged (ElevenLabs disables webhooks that
  // keep failing); the projector decides what it becomes.
  const conversationId = await storeDelivery(deps, organizationId, delivery.rawBody);
  return { received: true, conversationId };
}
