import type { AppDeps } from "../lib/context";
import type { Jobs } from "./types";

export type RunningJobs = Jobs & { stop(): Promise<void> };

/** Background work (sync, backfill). */
export async function startJobs(_deps: Omit<AppDeps, "jobs"> & { databaseUrl: string }): Promise<RunningJobs> {
  return { enqueueSync: async () => {}, stop: async () => {} };
}
