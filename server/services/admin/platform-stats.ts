/** Platform-wide numbers for platform administrators only: the one place that reads across organizations. */
import { sql, type SQL } from "drizzle-orm";
import type { AdminOrganization, AdminStats } from "@shared/schemas";
import type { OwnerDb } from "../../db/owner";
import { round2 } from "../analytics/usage-agents";
import { aggregateRead } from "../analytics/aggregate-read";

/**
 * Every organization with its counts, in one query. Calls and seconds come from the hourly rollups (a few rows per
 * hour instead of every call) plus the calls without a start time, which rollups leave out (an index probe per organization).
 */
/** A row of perOrganization: bigint counts arrive as strings, the timestamp as Drizzle's driver leaves it. */
type OrganizationRow = { id: string; name: string; createdAt: string | Date; users: string; agents: string; calls: string; seconds: string };

function perOrganization(where: SQL = sql`true`) {
  return sql`
  select o.id, o.name, o.created_at as "createdAt",
         coalesce(u.n, 0)::bigint as users, coalesce(a.n, 0)::bigint as agents,
         (coalesce(r.calls, 0) + n.calls)::bigint as calls, (coalesce(r.seconds, 0) + n.seconds)::bigint as seconds
  from organizations o
  left join (select organization_id, count(*) as n from users group by organization_id) u on u.organization_id = o.id
  left join (select organization_id, count(*) as n from agents group by organization_id) a on a.organization_id = o.id
  left join (
    select organization_id, sum(calls) as calls, sum(duration_seconds) as seconds from call_hourly_rollups group by organization_id
  ) r on r.organization_id = o.id
  cross join lateral (
    select count(*) as calls, coalesce(sum(duration_seconds), 0) as seconds
    from call_logs c
    where c.organization_id = o.id and c.started_at is null
  ) n
  where ${where}`;
}

export async function getPlatformStats(db: OwnerDb): Promise<AdminStats> {
  const [r] = await aggregateRead<{ organizations: string; users: string; agents: string; calls: string; seconds: string }>(
    db,
    sql`select count(*)::bigint as organizations, coalesce(sum(users), 0)::bigint as users, coalesce(sum(agents), 0)::bigint as agents,
               coalesce(sum(calls), 0)::bigint as calls, coalesce(sum(seconds), 0)::bigint as seconds
        from (${perOrganization()}) o`,
  );
  return {
    organizations: Number(r.organizations),
    users: Number(r.users),
    agents: Number(r.agents),
    calls: Number(r.calls),
    minutes: round2(Number(r.seconds) / 60),
  };
}

/** A LIKE pattern matching `text` anywhere, its own % _ and \ taken literally. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listPlatformOrganizations(db: OwnerDb, query: { search?: string } = {}): Promise<AdminOrganization[]> {
  const where = query.search
    ? sql`(o.name ilike ${containing(query.search)} or exists (
        select 1 from users m where m.organization_id = o.id and m.email ilike ${containing(query.search)}))`
    : undefined;
  const rows = await aggregateRead<OrganizationRow>(db, sql`${perOrganization(where)} order by o.created_at desc, o.id`);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    users: Number(r.users),
    agents: Number(r.agents),
    calls: Number(r.calls),
    minutes: round2(Number(r.seconds) / 60),
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}
