/**
 * The owner handle: connections as DATABASE_URL's role, which owns the tables and is not subject to row-level
 * security. Only the paths decision 003 lists may hold it (migrations, provisioning, sign-in and sessions, webhook
 * routing, the sync tick, platform admin, scripts); eslint.config.js keeps it out of every other folder.
 */
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type pg from "pg";

declare const ownerBrand: unique symbol;

export type OwnerDb = NodePgDatabase & { $client: pg.Pool; readonly [ownerBrand]?: "owner" };
