import { PencilIcon, RefreshCwIcon, Trash2Icon } from "lucide-react";
import type { Agent } from "@shared/schemas";
import { Button } from "@/components/ui/button";
import { isSyncing } from "@/features/agents/api";

export type AgentActionHandlers = {
  canManage: boolean;
  canSync: boolean;
  /** No ElevenLabs key: Sync now is off (the page says why, in `syncBlockedHint`). */
  keyConnected: boolean;
  syncBlockedHint?: string;
  syncPendingFor: string | null;
  onSync: (agent: Agent) => void;
  onRename: (agent: Agent) => void;
  onDelete: (agent: Agent) => void;
};

/** Sync now, rename, remove: the same buttons in the desktop table and the phone list. */
export function AgentActions({ agent, handlers, compact = false }: { agent: Agent; handlers: AgentActionHandlers; compact?: boolean }) {
  const { canManage, canSync, keyConnected, syncBlockedHint, syncPendingFor } = handlers;
  return (
    <div className="flex justify-end gap-1">
      {canSync && (
        <Button
          variant="outline"
          size="sm"
          onClick={() => handlers.onSync(agent)}
          disabled={!keyConnected || isSyncing(agent) || syncPendingFor === agent.id}
          aria-label={`Sync now: ${agent.name}`}
          aria-describedby={!keyConnected ? syncBlockedHint : undefined}
        >
          <RefreshCwIcon aria-hidden="true" className={isSyncing(agent) ? "animate-spin" : undefined} />
          <span className={compact ? undefined : "hidden 2xl:inline"}>Sync now</span>
        </Button>
      )}
      {canManage && (
        <>
          <Button variant="ghost" size="icon" aria-label={`Rename ${agent.name}`} onClick={() => handlers.onRename(agent)}>
            <PencilIcon aria-hidden="true" />
          </Button>
          <Button variant="ghost" size="icon" aria-label={`Remove ${agent.name}`} onClick={() => handlers.onDelete(agent)}>
            <Trash2Icon aria-hidden="true" />
          </Button>
        </>
      )}
    </div>
  );
}
