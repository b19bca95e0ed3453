/**
 * Tenant-scoped database handles: every statement runs in a transaction that switches to the unprivileged
 * `vad_app` role and sets `app.organization_id`, both transaction-local (SET LOCAL / set_config(..., true)),
 * so nothing can leak to the next user of a pooled connection. Row-level security then hides every other
 * organization's rows even from a query that forgot its organization_id filter.
 */
import pg from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import { schema, type Db } from "./client";
import { isDatabaseUnavailable } from "../lib/errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function scopeSql(organizationId: string): string {
  if (!UUID.test(organizationId)) throw new Error("tenant scope needs an organization uuid");
  // Inlined (validated above) so the whole scope is one round trip of the simple protocol.
  return `set local role vad_app; select set_config('app.organization_id', '${organizationId}', true)`;
}

type QueryArgs = [config: unknown, values?: unknown];
type Queryable = { query: (...args: QueryArgs) => Promise<unknown> };

function textOf(config: unknown): string | null {
  const text = typeof config === "string" ? config : (config as { text?: unknown } | null)?.text;
  return typeof text === "string" ? text : null;
}

/** Drizzle's `begin` (no parameters, so the simple protocol): the scope rides along in the same round trip. */
function withScope(config: unknown, values: unknown, scope: string): unknown {
  const text = textOf(config);
  if (text === null || !/^\s*begin\b/i.test(text) || (Array.isArray(values) && values.length > 0)) return null;
  return typeof config === "string" ? `${text}; ${scope}` : { ...(config as object), text: `${text}; ${scope}` };
}

/** A pooled client whose transactions start scoped to the tenant. */
function scopedClient(client: pg.PoolClient, scope: string): pg.PoolClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== "query") return Reflect.get(target, prop, receiver);
      return async (config: unknown, values?: unknown) => {
        const scoped = withScope(config, values, scope);
        if (scoped !== null) return target.query(scoped as string);
        return (target as unknown as Queryable).query(config, values);
      };
    },
  });
}

/** Looks like a Pool to Drizzle (so transactions check out a client) but borrows connections from the real one. */
class TenantPool extends pg.Pool {
  constructor(
    private readonly base: pg.Pool,
    private readonly scope: string,
  ) {
    super({ max: 1 });
  }

  override async connect(): Promise<pg.PoolClient> {
    return scopedClient(await this.base.connect(), this.scope);
  }

  // @ts-expect-error Drizzle calls query(config, values); that is the only form supported here.
  override async query(config: unknown, values?: unknown): Promise<unknown> {
    const client = await this.base.connect();
    // A connection that failed mid-way is not trusted back into the pool.
    const release = (failed: unknown) => client.release(isDatabaseUnavailable(failed) ? (failed as Error) : undefined);
    let result: unknown;
    try {
      await client.query(`begin; ${this.scope}`);
      result = await (client as unknown as Queryable).query(config, values);
    } catch (err) {
      await client.query("rollback").catch(() => {});
      release(err);
      throw err;
    }
    if (/^\s*select\b/i.test(textOf(config) ?? "")) {
      // A read's answer is final before its commit: answer now, and give the connection back once it has committed.
      client.query("commit").then(() => release(null), release);
      return result;
    }
    try {
      await client.query("commit");
      release(null);
      return result;
    } catch (err) {
      release(err);
      throw err;
    }
  }
}

const cache = new WeakMap<pg.Pool, Map<string, Db>>();

/** The handle for one organization's data (cached per pool and organization). */
export function tenantDb(base: Db, organizationId: string): Db {
  const pool = base.$client;
  let byOrg = cache.get(pool);
  if (!byOrg) cache.set(pool, (byOrg = new Map()));
  let db = byOrg.get(organizationId);
  if (!db) {
    db = drizzle(new TenantPool(pool, scopeSql(organizationId)) as unknown as pg.Pool, { schema, casing: "snake_case" }) as unknown as Db;
    if (byOrg.size > 5_000) byOrg.clear();
    byOrg.set(organizationId, db);
  }
  return db;
}
