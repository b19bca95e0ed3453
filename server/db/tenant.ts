/**
 * Tenant-scoped database handles: every statement runs in a transaction that switches to the unprivileged
 * `vad_app` role and sets `app.organization_id`, both transaction-local (SET LOCAL / set_config(..., true)),
 * so nothing can leak to the next user of a pooled connection. Row-level security then hides every other
 * organization's rows even from a query that forgot its organization_id filter.
 */
import pg from "pg";
// @ts-expect-error node-postgres' own parameter conversion (untyped module); the same text a parameter would carry.
import { prepareValue } from "pg/lib/utils.js";
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
    const text = textOf(config) ?? "";
    const isRead = /^\s*select\b/i.test(text);
    const inlined = isRead ? inlineParameters(text, Array.isArray(values) ? values : []) : null;
    const client = await this.base.connect();
    // A connection that failed mid-way is not trusted back into the pool.
    const release = (failed: unknown) => client.release(isDatabaseUnavailable(failed) ? (failed as Error) : undefined);
    let result: unknown;
    try {
      if (inlined !== null) {
        // One round trip: begin, scope, the read, commit (results 0 to 4; the read is the fourth).
        const base = typeof config === "string" ? {} : (config as object);
        const results = (await client.query({ ...base, text: `begin; ${this.scope}; ${inlined}; commit`, values: undefined, name: undefined } as pg.QueryConfig)) as unknown as unknown[];
        release(null);
        return results[3];
      }
      await client.query(`begin; ${this.scope}`);
      result = await (client as unknown as Queryable).query(config, values);
    } catch (err) {
      await client.query("rollback").catch(() => {});
      release(err);
      throw err;
    }
    if (isRead) {
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

/**
 * A read's parameters written into its text as literals, so scope, read and commit go in one simple-protocol round
 * trip. Values are escaped by node-postgres' own escapeLiteral after its own text conversion (prepareValue), and
 * become untyped literals, which PostgreSQL types exactly as it types unknown-typed parameters. Anything this
 * cannot read with certainty ($N inside dollar quotes, E'' strings or comments; binary values) returns null and
 * takes the parameterized path.
 */
export function inlineParameters(text: string, values: unknown[]): string | null {
  if (/\$\w*\$|(^|[^\w])[eE]'|--|\/\*/.test(text)) return null;
  const literals: string[] = [];
  for (const value of values) {
    const prepared = prepareValue(value) as unknown;
    if (prepared === null) literals.push("NULL");
    else if (typeof prepared === "string") literals.push(pg.escapeLiteral(prepared));
    else return null;
  }
  let out = "";
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null; // a doubled quote closes and reopens: same result
      out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === "$" && /[0-9]/.test(text[i + 1] ?? "") && !/\w/.test(text[i - 1] ?? "")) {
      let j = i + 1;
      while (j < text.length && /[0-9]/.test(text[j])) j++;
      const literal = literals[Number(text.slice(i + 1, j)) - 1];
      if (literal === undefined) return null;
      out += literal;
      i = j - 1;
    } else out += c;
  }
  return quote ? null : out;
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
