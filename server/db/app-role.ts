/**
 * The tenant login role, kept in step at start-up (decision 003): its LOGIN and password, exactly the table
 * privileges listed here, the policies' expressions as declared, and the custom SQL objects (custom-sql.ts). Runs as the owner after the migrations (or after `npm run db:push`), under a lock, so
 * any number of instances starting together agree; the result is the same on every instance and database.
 */
import { createHmac } from "node:crypto";
import pg from "pg";
import { is, sql, type SQL } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { ensureCustomObjects } from "./custom-sql";
import type { OwnerDb } from "./owner";
import * as schema from "./schema";
import type { Tx } from "./tenant";

export const APP_ROLE = "vad_app";

/**
 * What the tenant role may do, table by table; a table not listed here is out of its reach. Every table listed
 * carries a tenant policy in server/db/schema (tests/integration/row-level-security.test.ts checks both ways).
 * audit_log is append-only for it; users and organizations can change only the columns a tenant manages.
 */
const GRANTS = sql`
  grant usage on schema public to vad_app;
  grant select, update (name, price_per_minute_usd, time_zone, retention_calls_days, retention_audio_days,
    retention_raw_events_days, redaction_enabled, redaction_kinds, store_audio, mask_phone_numbers, weekly_digest,
    quality_days_zone) on organizations to vad_app;
  grant select, update (role), delete on users to vad_app;
  grant select, delete on sessions to vad_app;
  grant select, insert, update, delete on integrations to vad_app;
  grant select, insert, update, delete on agents to vad_app;
  grant select, insert, update, delete on call_logs to vad_app;
  grant select, insert, update, delete on call_audio to vad_app;
  grant select, insert, update, delete on call_hourly_rollups to vad_app;
  grant select, insert, update, delete on call_quarter_rollups to vad_app;
  grant select, insert, update, delete on call_quality_rollups to vad_app;
  grant select, insert, update, delete on call_quality_days to vad_app;
  grant select, insert, update, delete on webhook_events to vad_app;
  grant select, insert, update, delete on call_audio_chunks to vad_app;
  grant select, insert, update, delete on webhook_rejections to vad_app;
  grant select, insert, update, delete on invitations to vad_app;
  grant select, insert on audit_log to vad_app;
  grant select, insert, update, delete on alert_channels to vad_app;
  grant select, insert, update, delete on alert_rules to vad_app;
  grant select, insert, update, delete on alert_events to vad_app;
  grant select, insert, update, delete on alert_deliveries to vad_app;
  grant select, insert, update, delete on digest_runs to vad_app;
  grant select on call_search to vad_app;
  grant select, insert on call_tombstones to vad_app;
  grant select, insert, update on api_tokens to vad_app;
`;

/** Whatever the role held before (an older release's grants, a hand-made grant) goes first. */
const REVOKE_ALL = sql`
  do $$
  declare
    r record;
  begin
    for r in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')
    loop
      execute format('revoke all on table public.%I from vad_app', r.relname);
    end loop;
  end
  $$;
`;

/** The password is passed as a parameter and quoted by PostgreSQL itself (ALTER ROLE takes no parameters). */
const SET_LOGIN = sql`
  do $$
  begin
    execute format('alter role vad_app with login password %L', current_setting('vad.app_password'));
  end
  $$;
`;

/**
 * drizzle-kit push (0.31) creates policies without their USING and WITH CHECK expressions (drizzle-orm issue 3504:
 * fixed only in the 1.0 betas); a permissive policy without USING lets every row through. The schema declares the
 * expressions, so start-up puts back any that are missing, from the declaration itself; policies that have them
 * (the migrations') are left alone, so no table is locked on an ordinary start.
 */
async function restoreDeclaredPolicyExpressions(tx: Tx): Promise<void> {
  const { rows } = await tx.execute<{ table: string; name: string; hasUsing: boolean; hasCheck: boolean }>(sql`
    select tablename as "table", policyname as name, qual is not null as "hasUsing", with_check is not null as "hasCheck"
    from pg_policies where schemaname = 'public'`);
  for (const table of Object.values(schema)) {
    if (!is(table, PgTable)) continue;
    const { name: tableName, policies } = getTableConfig(table);
    for (const policy of policies) {
      const found = rows.find((r) => r.table === tableName && r.name === policy.name);
      if (!found) throw new Error(`Policy ${policy.name} on ${tableName} is declared but missing: migrate or push the schema first`);
      const parts: SQL[] = [];
      if (policy.using && !found.hasUsing) parts.push(sql`using (${policy.using})`);
      if (policy.withCheck && !found.hasCheck) parts.push(sql`with check (${policy.withCheck})`);
      if (parts.length) await tx.execute(sql`alter policy ${sql.identifier(policy.name)} on ${table} ${sql.join(parts, sql` `)}`);
    }
  }
}

/** An arbitrary constant: the lock that serialises provisioning within one database. */
const PROVISION_LOCK = 7_004_015;

/**
 * The password of the tenant role when the app manages it: derived from the owner's credentials, so every
 * instance that can reach the database as the owner computes the same one, and nothing new needs storing.
 */
export function derivedAppPassword(ownerUrl: string): string {
  const u = new URL(ownerUrl);
  return createHmac("sha256", `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`)
    .update("vad_app login v1")
    .digest("base64url");
}

/** The owner's URL with the tenant role's credentials: same host, port, database and options. */
export function derivedAppUrl(ownerUrl: string): string {
  const u = new URL(ownerUrl);
  u.username = APP_ROLE;
  u.password = derivedAppPassword(ownerUrl);
  return u.toString();
}

export type AppRoleCheck = { superuser: boolean; bypassRls: boolean; ownsTables: boolean; memberOf: string[] };

/** What the role a tenant connection logged in as could do beyond its grants; all false/empty when safe. */
export async function inspectLogin(client: pg.ClientBase): Promise<AppRoleCheck> {
  const { rows } = await client.query<AppRoleCheck>(`
    select r.rolsuper as superuser, r.rolbypassrls as "bypassRls",
           exists (select 1 from pg_class c where c.relowner = r.oid) as "ownsTables",
           array(select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
                 where m.member = r.oid and g.rolname <> $1 order by 1)::text[] as "memberOf"
    from pg_roles r where r.rolname = current_user`, [APP_ROLE]);
  return rows[0];
}

/** Refuses a tenant login that could step outside row-level security. */
export function assertUnprivileged(check: AppRoleCheck, who: string): void {
  const problems = [
    check.superuser && "is a superuser",
    check.bypassRls && "has BYPASSRLS",
    check.ownsTables && "owns tables",
    check.memberOf.length > 0 && `is a member of ${check.memberOf.join(", ")}`,
  ].filter(Boolean);
  if (problems.length) throw new Error(`The tenant database login ${who} ${problems.join(" and ")}: it must be a plain role (decision 003)`);
}

async function canLogIn(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return true;
  } catch (err) {
    // 28P01 wrong password, 28000 no LOGIN (or no such role): provisioning fixes those; anything else is real.
    const code = (err as { code?: string }).code;
    if (code === "28P01" || code === "28000") return false;
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Makes the tenant role usable: creates it if missing (the migrations and db:push do too), grants exactly
 * GRANTS, and, when the app manages the login (`appUrl` derived, not DATABASE_APP_URL), gives it LOGIN and the
 * derived password if it cannot log in with it yet. Returns the URL tenant connections use.
 */
export async function provisionAppRole(owner: OwnerDb, ownerUrl: string, configuredAppUrl?: string): Promise<string> {
  const appUrl = configuredAppUrl ?? derivedAppUrl(ownerUrl);
  const setLogin = configuredAppUrl === undefined && !(await canLogIn(appUrl));
  await owner.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PROVISION_LOCK})`);
    await tx.execute(sql`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = 'vad_app') then
          create role vad_app;
        end if;
      end
      $$`);
    if (setLogin) {
      await tx.execute(sql`select set_config('vad.app_password', ${derivedAppPassword(ownerUrl)}, true)`);
      await tx.execute(SET_LOGIN);
    }
    await ensureCustomObjects(tx);
    await restoreDeclaredPolicyExpressions(tx);
    await tx.execute(REVOKE_ALL);
    await tx.execute(GRANTS);
  });
  return appUrl;
}
