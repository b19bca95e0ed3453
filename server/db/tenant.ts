/**
 * The tenant handle: the only database access services get (through ctx.db). Its connections log in as vad_app
 * (neither owner nor superuser, member of no role), and every statement runs in a transaction scoped to one
 * organization by `set_config('app.organization_id', $1, true)`, so row-level security hides every other
 * organization's rows even from a query that forgot its organization_id filter (decision 003).
 *
 * The pool's clients are pipelined (node-postgres `pipeline: true`): a single statement's begin, scope, statement
 * and commit are written together and answered in order, one round trip, each with its own parameters.
 */
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import type pg from "pg";
import { isDatabaseUnavailable } from "../lib/errors";

const SCOPE = "select set_config('app.organization_id', $1, true)";

type QueryBuilders = "select" | "selectDistinct" | "selectDistinctOn" | "insert" | "update" | "delete" | "execute" | "$with" | "with" | "$count";

/** A transaction of either handle, as passed to `transaction`'s callback; who opened it decided its scope. */
export type Tx = Parameters<Parameters<NodePgDatabase["transaction"]>[0]>[0];

/** Anything that runs several statements in one transaction (a tenant or owner handle). */
export type Transactional = { transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> };

/** The query builders every handle has (tenant, owner, a transaction of either): for helpers that take any of them. */
export type Queryable = Pick<NodePgDatabase, QueryBuilders>;

declare const tenantBrand: unique symbol;

/** Query builders of one organization's data; `transaction` for several statements that belong together. */
export type TenantDb = Queryable & {
  readonly organizationId: string;
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  readonly [tenantBrand]: "tenant";
};

/** Opens tenant handles over a pool of vad_app connections (see createTenantPool). */
export type TenantDbs = (organizationId: string) => TenantDb;

/** Gives a connection back; one whose connection failed is not trusted back into the pool. */
function release(client: pg.PoolClient, failure: unknown) {
  client.release(isDatabaseUnavailable(failure) ? (failure as Error) : undefined);
}

/** One statement in its own scoped transaction: begin, scope, statement, commit, pipelined in one round trip. */
async function runScoped(pool: pg.Pool, organizationId: string, config: pg.QueryConfig, values?: unknown[]) {
  const client = await pool.connect();
  const sent = [client.query("begin"), client.query(SCOPE, [organizationId]), client.query(config, values), client.query("commit")];
  const [begin, scope, statement, commit] = await Promise.allSettled(sent);
  // A failed statement makes the commit a rollback; report the first failure (the statement's, usually).
  const failure = [statement, begin, scope, commit].find((r) => r.status === "rejected")?.reason;
  release(client, failure);
  if (failure !== undefined) throw failure;
  return (statement as PromiseFulfilledResult<pg.QueryResult>).value;
}

/** Several statements in one scoped transaction on one connection; the scope travels with the first of them. */
async function transactionScoped<T>(pool: pg.Pool, organizationId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: unknown;
  try {
    return await drizzle(client, { casing: "snake_case" }).transaction(async (tx) => {
      const scope = client.query(SCOPE, [organizationId]);
      // If the scope fails, the transaction is aborted and the work's statements fail too; its own error is read below.
      scope.catch(() => {});
      const result = await work(tx);
      await scope;
      return result;
    });
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    release(client, failure);
  }
}

/** Handles kept per organization (a handle holds nothing but its organization id and pool), at most this many. */
const CACHED_HANDLES = 1_000;

export function tenantDbs(pool: pg.Pool): TenantDbs {
  // Building a drizzle instance costs more CPU than the statement it would send (npm run bench, history): one per
  // organization and pool, made on first use.
  const handles = new Map<string, TenantDb>();
  return (organizationId) => {
    let handle = handles.get(organizationId);
    if (!handle) {
      if (handles.size >= CACHED_HANDLES) handles.clear();
      handle = tenantDb(pool, organizationId);
      handles.set(organizationId, handle);
    }
    return handle;
  };
}

function tenantDb(pool: pg.Pool, organizationId: string): TenantDb {
  // Drizzle builds the SQL and maps the rows; this adapter is the one method of a client it calls for a statement.
  const statements = drizzle({ client: { query: (config: pg.QueryConfig, values?: unknown[]) => runScoped(pool, organizationId, config, values) } as unknown as pg.Pool, casing: "snake_case" });
  return {
    organizationId,
    select: statements.select.bind(statements),
    selectDistinct: statements.selectDistinct.bind(statements),
    selectDistinctOn: statements.selectDistinctOn.bind(statements),
    insert: statements.insert.bind(statements),
    update: statements.update.bind(statements),
    delete: statements.delete.bind(statements),
    execute: statements.execute.bind(statements),
    $with: statements.$with.bind(statements),
    with: statements.with.bind(statements),
    $count: statements.$count.bind(statements),
    transaction: (work) => transactionScoped(pool, organizationId, work),
  } as TenantDb;
}
