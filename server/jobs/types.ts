export type SyncJob = { organizationId: string; agentId?: string; mode: "backfill" | "incremental" };

/** The queue as the rest of the server sees it. */
export type Jobs = {
  enqueueSync(job: SyncJob): Promise<void>;
};

export const noJobs: Jobs = { enqueueSync: async () => {} };
