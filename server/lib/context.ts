import type { Role } from "@shared/permissions";
import type { Db } from "../db/client";
import { tenantDb } from "../db/tenant";
import type { Env } from "../env";
import type { Encryptor } from "./crypto";
import type { Logger } from "./logger";
import type { Jobs } from "../jobs/types";

/** What createApp needs; index.ts wires the real ones, tests their own. */
export type AppDeps = {
  db: Db;
  env: Env;
  log: Logger;
  encryptor: Encryptor;
  jobs: Jobs;
  now: () => Date;
};

/** The caller's tenant, resolved once per request; every service query is scoped by organizationId. */
export type Ctx = {
  organizationId: string;
  userId: string;
  role: Role;
  isPlatformAdmin: boolean;
  db: Db;
  log: Logger;
  deps: AppDeps;
};

/** A tenant context for work that does not come from a user (webhooks, jobs). */
export function systemCtx(deps: AppDeps, organizationId: string): Ctx {
  return { organizationId, userId: "", role: "owner", isPlatformAdmin: false, db: tenantDb(deps.db, organizationId), log: deps.log, deps };
}
