/**
 * What an organization's settings ask of ingestion (DESIGN.md §11), read once per delivery or sync run: which kinds
 * of personal data to redact before anything is stored, whether recordings may be kept or fetched, and which
 * conversations were deleted (their tombstones keep sync and retried deliveries from bringing them back).
 * This is the inbox's payload filter (server/services/ingestion/inbox.ts): the inbox only holds what it returns.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Queryable } from "../../db/tenant";
import { callTombstones, organizations } from "../../db/schema";
import { REDACTION_KINDS } from "@shared/governance-schemas";
import { organizationPreferences } from "../organizations/organization-settings";
import { activeKinds, redactConversation, redactWebhookEvent } from "./redact-conversation";
import { redactJson, type RedactionKinds } from "./redact-text";

export type IngestionPolicy = { kinds: RedactionKinds; storeAudio: boolean };

/** The organizations columns a policy is made of (read with a webhook token, or with the shared URL's candidates). */
export const policyColumns = {
  redactionEnabled: organizations.redactionEnabled,
  redactionKinds: organizations.redactionKinds,
  storeAudio: organizations.storeAudio,
};

export function policyOfRow(row: { redactionEnabled: boolean; redactionKinds: string[]; storeAudio: boolean }): IngestionPolicy {
  const kinds = REDACTION_KINDS.filter((k) => row.redactionKinds.includes(k));
  return { kinds: activeKinds({ redaction: { enabled: row.redactionEnabled, kinds } }), storeAudio: row.storeAudio };
}

export async function ingestionPolicy(db: Queryable, organizationId: string): Promise<IngestionPolicy> {
  // smtpUrl only decides the digest default, which ingestion does not read.
  const prefs = await organizationPreferences(db, organizationId, { smtpUrl: undefined });
  return { kinds: activeKinds(prefs), storeAudio: prefs?.storeAudio ?? true };
}

/** The conversations among `conversationIds` that were deleted. */
export async function deletedConversations(db: Queryable, organizationId: string, conversationIds: string[]): Promise<Set<string>> {
  if (conversationIds.length === 0) return new Set();
  const rows = await db
    .select({ conversationId: callTombstones.conversationId })
    .from(callTombstones)
    .where(and(eq(callTombstones.organizationId, organizationId), inArray(callTombstones.conversationId, conversationIds)));
  return new Set(rows.map((r) => r.conversationId));
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === "object" && !Array.isArray(v);

/** Without audio storage a conversation offers no recording (the call is built with hasAudio false). */
function withoutAudio(detail: unknown): unknown {
  return isObject(detail) && "has_audio" in detail ? { ...detail, has_audio: false } : detail;
}

/**
 * An inbox payload as the organization allows it to be kept: a webhook envelope `{ type, data }`, a sync fetch
 * `{ fetched_at, item, detail }`, or (a verified delivery of unknown shape) any JSON, every string of it redacted.
 */
export function filterInboxPayload<T>(payload: T, policy: IngestionPolicy): T {
  if (!isObject(payload)) return (policy.kinds.size ? redactJson(payload, policy.kinds) : payload) as T;
  if (typeof payload.type === "string" && isObject(payload.data)) {
    const event = redactWebhookEvent(payload as Json & { type: string; data: Json }, policy.kinds);
    return (policy.storeAudio ? event : { ...event, data: withoutAudio(event.data) }) as T;
  }
  if ("item" in payload || "detail" in payload) {
    const out: Json = { ...payload };
    if (isObject(payload.item)) out.item = redactConversation(payload.item, policy.kinds);
    if (isObject(payload.detail)) {
      const detail = redactConversation(payload.detail, policy.kinds);
      out.detail = policy.storeAudio ? detail : withoutAudio(detail);
    }
    return out as T;
  }
  return (policy.kinds.size ? redactJson(payload, policy.kinds) : payload) as T;
}
