import type { Agent } from "@shared/schemas";
import { syncErrorInWords } from "@/lib/error-words";
import { SyncStatusBadge } from "@/features/agents/components/sync-status-badge";

/** The sync badge, and under it why the last sync failed, in words (never a raw code). */
export function AgentSyncState({ agent }: { agent: Agent }) {
  return (
    <div className="grid justify-items-start gap-1">
      <SyncStatusBadge sync={agent.sync} />
      {agent.sync.status === "error" && agent.sync.error && <p className="max-w-64 text-xs text-destructive">{syncErrorInWords(agent.sync.error)}</p>}
    </div>
  );
}
