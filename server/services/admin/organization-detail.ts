/**
 * One organization for a platform administrator (DESIGN §14): members, agents, integration status, last call and
 * last delivery, read across tenants with the owner handle (decision 003). Never the key, the webhook secret or a call's content.
 */
import { and, asc, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { AdminOrganizationDetail } from "@shared/schemas";
import type { OwnerDb } from "../../db/owner";
import { agents, callLogs, integrations, organizations, users, webhookEvents } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { round2 } from "../analytics/usage-agents";
import { aggregateRead } from "../analytics/aggregate-read";
import { isPlatformAdmin } from "../auth/platform-admins";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** `listed`: PLATFORM_ADMIN_EMAILS, which makes a member platform admin once their email is verified (DESIGN §12). */
export async function getPlatformOrganization(db: OwnerDb, id: string, listed: readonly string[] = []): Promise<AdminOrganizationDetail> {
  const [organization] = await db
    .select({ id: organizations.id, name: organizations.name, createdAt: organizations.createdAt })
    .from(organizations)
    .where(eq(organizations.id, id));
  if (!organization) throw new AppError("not_found", 404, "No organization with this id");

  const [members, agentRows, [integration], [lastCall], [lastDelivery], [usage]] = await Promise.all([
    db
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        isPlatformAdmin: users.isPlatformAdmin,
        platformAdminRevokedAt: users.platformAdminRevokedAt,
        emailVerifiedAt: users.emailVerifiedAt,
        createdAt: users.createdAt,
        lastLoginAt: users.lastLoginAt,
      })
      .from(users)
      .where(eq(users.organizationId, id))
      .orderBy(asc(users.createdAt), asc(users.id)),
    db
      .select({
        id: agents.id,
        elevenLabsAgentId: agents.elevenlabsAgentId,
        name: agents.name,
        createdAt: agents.createdAt,
        syncStatus: agents.syncStatus,
        lastSyncedAt: agents.lastSyncedAt,
        syncError: agents.syncError,
      })
      .from(agents)
      .where(eq(agents.organizationId, id))
      .orderBy(asc(agents.name), asc(agents.id)),
    db
      .select({ status: integrations.status, keyHint: integrations.keyHint, lastTestedAt: integrations.lastTestedAt, lastError: integrations.lastError })
      .from(integrations)
      .where(and(eq(integrations.organizationId, id), eq(integrations.provider, "elevenlabs"))),
    // call_logs_org_started_idx in order: calls without a start time (first in a descending index) are skipped.
    db
      .select({ id: callLogs.id, startedAt: callLogs.startedAt, status: callLogs.status, agentName: agents.name })
      .from(callLogs)
      .leftJoin(agents, eq(agents.id, callLogs.agentId))
      .where(and(eq(callLogs.organizationId, id), isNotNull(callLogs.startedAt)))
      .orderBy(desc(callLogs.startedAt), desc(callLogs.id))
      .limit(1),
    db
      .select({
        receivedAt: webhookEvents.receivedAt,
        type: webhookEvents.type,
        source: webhookEvents.source,
        state: webhookEvents.state,
        error: webhookEvents.error,
      })
      .from(webhookEvents)
      .where(eq(webhookEvents.organizationId, id))
      .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
      .limit(1),
    // Same sums as the organization list: rollups, plus the calls without a start time that rollups leave out.
    aggregateRead<{ calls: string; seconds: string }>(
      db,
      sql`select (coalesce((select sum(calls) from call_hourly_rollups where organization_id = ${id}::uuid), 0) + n.calls)::bigint as calls,
                 (coalesce((select sum(duration_seconds) from call_hourly_rollups where organization_id = ${id}::uuid), 0) + n.seconds)::bigint as seconds
          from (select count(*) as calls, coalesce(sum(duration_seconds), 0) as seconds
                from call_logs where organization_id = ${id}::uuid and started_at is null) n`,
    ),
  ]);

  return {
    id: organization.id,
    name: organization.name,
    createdAt: organization.createdAt.toISOString(),
    calls: Number(usage.calls),
    minutes: round2(Number(usage.seconds) / 60),
    members: members.map(({ platformAdminRevokedAt: _revoked, emailVerifiedAt: _verified, ...m }) => ({
      ...m,
      isPlatformAdmin: isPlatformAdmin(listed, { email: m.email, isPlatformAdmin: m.isPlatformAdmin, platformAdminRevokedAt: _revoked, emailVerifiedAt: _verified }),
      createdAt: m.createdAt.toISOString(),
      lastLoginAt: iso(m.lastLoginAt),
    })),
    agents: agentRows.map((a) => ({
      id: a.id,
      elevenLabsAgentId: a.elevenLabsAgentId,
      name: a.name,
      createdAt: a.createdAt.toISOString(),
      sync: { status: a.syncStatus, lastSyncedAt: iso(a.lastSyncedAt), error: a.syncError },
    })),
    integration: integration ? { ...integration, lastTestedAt: iso(integration.lastTestedAt) } : null,
    lastCall: lastCall?.startedAt ? { id: lastCall.id, startedAt: lastCall.startedAt.toISOString(), status: lastCall.status, agentName: lastCall.agentName } : null,
    lastDelivery: lastDelivery ? { ...lastDelivery, receivedAt: lastDelivery.receivedAt.toISOString() } : null,
  };
}
