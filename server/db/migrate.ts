import path from "node:path";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { Db } from "./client";

export const migrationsFolder = path.resolve(import.meta.dirname, "migrations");

export async function runMigrations(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
