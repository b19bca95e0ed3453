import type { SyncStatus } from "@shared/constants";
import type { Agent } from "@shared/schemas";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { focusRing } from "@/components/ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { formatDateTime } from "@/lib/format";
import { cn } from "@/lib/utils";

const STATUS: Record<SyncStatus, { label: string; variant: BadgeVariant }> = {
  idle: { label: "Not synced yet", variant: "secondary" },
  queued: { label: "Queued", variant: "info" },
  running: { label: "Syncing", variant: "info" },
  ok: { label: "Synced", variant: "success" },
  error: { label: "Sync failed", variant: "destructive" },
};

export function SyncStatusBadge({ sync }: { sync: Agent["sync"] }) {
  // The server goes back to "idle" after a sync: with a last sync time, idle means up to date.
  const key = sync.status === "idle" && sync.lastSyncedAt ? "ok" : sync.status;
  const status = STATUS[key];
  // A failure is spelled out beside the badge (AgentSyncState); the tooltip says when the last good sync was.
  const detail = sync.lastSyncedAt ? `Last synced ${formatDateTime(sync.lastSyncedAt)}` : null;

  if (!detail) return <Badge variant={status.variant}>{status.label}</Badge>;

  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <button type="button" className={cn("rounded-md", focusRing)}>
          <Badge variant={status.variant}>{status.label}</Badge>
          <span className="sr-only">: {detail}</span>
        </button>
      </TooltipTrigger>
      <TooltipContent>{detail}</TooltipContent>
    </Tooltip>
  );
}
