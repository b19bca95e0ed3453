import path from "node:path";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { OwnerDb } from "./owner";

export const migrationsFolder = path.resolve(import.meta.dirname, "migrations");

export async function runMigrations(db: OwnerDb): Promise<void> {
  await migrate(db, { migrationsFolder });
}
