/** Platform-wide numbers for platform administrators only: the one place that reads across organizations. */
import { sql } from "drizzle-orm";
import type { AdminOrganization, AdminStats } from "@shared/schemas";
import type { Db } from "../../db/client";

function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

export async function getPlatformStats(db: Db): Promise<AdminStats> {
  const { rows } = await db.execute<Record<string, number>>(sql`
    select (select count(*) from organizations)::bigint as organizations,
           (select count(*) from users)::bigint as users,
           (select count(*) from agents)::bigint as agents,
           c.calls, c.seconds
    from (select count(*)::bigint as calls, coalesce(sum(duration_seconds), 0)::bigint as seconds from call_logs) c`);
  const r = rows[0];
  return {
    organizations: Number(r.organizations),
    users: Number(r.users),
    agents: Number(r.agents),
    calls: Number(r.calls),
    minutes: round2(Number(r.seconds) / 60),
  };
}

/** Every organization with its counts: one grouped pass per table, no per-organization queries. */
export async function listPlatformOrganizations(db: Db): Promise<AdminOrganization[]> {
  const { rows } = await db.execute<Record<string, string | number | Date>>(sql`
    select o.id, o.name, o.created_at as "createdAt",
           coalesce(u.n, 0)::bigint as users, coalesce(a.n, 0)::bigint as agents,
           coalesce(c.n, 0)::bigint as calls, coalesce(c.seconds, 0)::bigint as seconds
    from organizations o
    left join (select organization_id, count(*) as n from users group by organization_id) u on u.organization_id = o.id
    left join (select organization_id, count(*) as n from agents group by organization_id) a on a.organization_id = o.id
    left join (select organization_id, count(*) as n, sum(duration_seconds) as seconds from call_logs group by organization_id) c
      on c.organization_id = o.id
    order by o.created_at desc, o.id`);
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    users: Number(r.users),
    agents: Number(r.agents),
    calls: Number(r.calls),
    minutes: round2(Number(r.seconds) / 60),
    createdAt: new Date(r.createdAt as string | Date).toISOString(),
  }));
}
