/** The job queue as services see it (server/jobs implements it). */
export type SyncJob = {
  organizationId: string;
  agentId?: string;
  mode: "backfill" | "incremental";
  /** Where a sync that handed itself back continues (its list cursor and time filter). */
  resume?: { cursor: string; after?: number };
  /** A run of the periodic schedule (it schedules its successor). */
  periodic?: boolean;
};

/** The queue as the rest of the server sees it. */
export type Jobs = {
  enqueueSync(job: SyncJob): Promise<void>;
};

export const noJobs: Jobs = { enqueueSync: async () => {} };
