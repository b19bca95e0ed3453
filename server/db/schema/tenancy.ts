/**
 * The tenant boundary as the schema declares it (decision 003): the role tenant connections log in as, and the
 * policy every tenant table carries. drizzle-kit sees these (generate and push alike); the role's LOGIN, password
 * and table privileges are kept in step at start-up by server/db/app-role.ts, since Drizzle cannot declare them.
 */
import { sql, type SQL } from "drizzle-orm";
import { pgPolicy, pgRole, type AnyPgColumn } from "drizzle-orm/pg-core";

/** Neither owner nor superuser, member of no role: it cannot become anything else (RESET ROLE leaves it itself). */
export const appRole = pgRole("vad_app");

/** The organization of the current transaction (set_config('app.organization_id', $1, true)); NULL, so no rows, when unset. */
export const currentOrganization: SQL = sql`nullif(current_setting('app.organization_id', true), '')::uuid`;

/** Rows of the current organization only, for reading and writing alike. */
export function tenantPolicy(table: string, organizationId: AnyPgColumn) {
  const own = sql`${organizationId} = ${currentOrganization}`;
  return pgPolicy(`${table}_tenant`, { as: "permissive", for: "all", to: appRole, using: own, withCheck: own });
}
