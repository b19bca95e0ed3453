/**
 * What an organization's settings ask of ingestion (DESIGN.md §11), read once per delivery or sync run: which kinds
 * of personal data to redact before anything is stored, whether recordings may be kept or fetched, and which
 * conversations were deleted (their tombstones keep sync and retried deliveries from bringing them back).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "../../db/client";
import { callTombstones } from "../../db/schema";
import type { Env } from "../../env";
import { organizationPreferences } from "../billing/organization-settings";
import { activeKinds } from "./redact-conversation";
import type { RedactionKinds } from "./redact-text";

export type IngestionPolicy = { kinds: RedactionKinds; storeAudio: boolean };

export async function ingestionPolicy(db: Db | Tx, organizationId: string, env: Pick<Env, "smtpUrl">): Promise<IngestionPolicy> {
  const prefs = await organizationPreferences(db, organizationId, env);
  return { kinds: activeKinds(prefs), storeAudio: prefs?.storeAudio ?? true };
}

/** The conversations among `conversationIds` that were deleted. */
export async function deletedConversations(db: Db | Tx, organizationId: string, conversationIds: string[]): Promise<Set<string>> {
  if (conversationIds.length === 0) return new Set();
  const rows = await db
    .select({ conversationId: callTombstones.conversationId })
    .from(callTombstones)
    .where(and(eq(callTombstones.organizationId, organizationId), inArray(callTombstones.conversationId, conversationIds)));
  return new Set(rows.map((r) => r.conversationId));
}
