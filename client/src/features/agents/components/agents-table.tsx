import { useState } from "react";
import { PencilIcon, RefreshCwIcon, Trash2Icon } from "lucide-react";
import type { Agent } from "@shared/schemas";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow, TableSkeletonRows } from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { useCan } from "@/lib/auth";
import { formatNumber, formatRelative, formatDateTime } from "@/lib/format";
import { isSyncing, useDeleteAgent, useRenameAgent, useSyncAgent } from "@/features/agents/api";
import { DeleteAgentDialog } from "@/features/agents/components/delete-agent-dialog";
import { RenameAgentDialog } from "@/features/agents/components/rename-agent-dialog";
import { SyncStatusBadge } from "@/features/agents/components/sync-status-badge";

type Pending = { kind: "rename" | "delete"; agent: Agent } | null;

export function AgentsTable({ agents, loading }: { agents: Agent[]; loading: boolean }) {
  const canManage = useCan("agents:manage");
  const canSync = useCan("agents:sync");
  const [pending, setPending] = useState<Pending>(null);
  // Mutations live here, not in the dialogs, so their toasts survive the dialog closing.
  const rename = useRenameAgent();
  const remove = useDeleteAgent();
  const sync = useSyncAgent();
  const showActions = canManage || canSync;

  function syncNow(agent: Agent) {
    sync.mutate(agent.id, {
      onSuccess: () => toastSuccess("Sync started", `Fetching the latest calls of ${agent.name}.`),
      onError: (error) => toastError("Could not start the sync", errorMessage(error)),
    });
  }

  return (
    <>
      <Table label="Agents">
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>ElevenLabs id</TableHead>
            <TableHead className="text-right">Calls today</TableHead>
            <TableHead className="text-right">Total calls</TableHead>
            <TableHead>Last call</TableHead>
            <TableHead>Sync</TableHead>
            {showActions && (
              <TableHead className="text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            )}
          </TableRow>
        </TableHeader>
        <TableBody>
          {loading && <TableSkeletonRows columns={showActions ? 7 : 6} rows={3} />}
          {agents.map((agent) => (
            <TableRow key={agent.id}>
              <TableCell className="font-medium">{agent.name}</TableCell>
              <TableCell>
                <code className="rounded bg-muted px-1.5 py-0.5 text-xs break-all">{agent.elevenLabsAgentId}</code>
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatNumber(agent.callsToday)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatNumber(agent.totalCalls)}</TableCell>
              <TableCell className="whitespace-nowrap">
                {agent.lastCallAt ? <time dateTime={agent.lastCallAt} title={formatDateTime(agent.lastCallAt)}>{formatRelative(agent.lastCallAt)}</time> : "Never"}
              </TableCell>
              <TableCell>
                <SyncStatusBadge sync={agent.sync} />
              </TableCell>
              {showActions && (
                <TableCell>
                  <div className="flex justify-end gap-1">
                    {canSync && (
                      <Button
                        variant="outline"
                        size="sm"
                        onClick={() => syncNow(agent)}
                        disabled={isSyncing(agent) || (sync.isPending && sync.variables === agent.id)}
                        aria-label={`Sync now: ${agent.name}`}
                      >
                        <RefreshCwIcon aria-hidden="true" className={isSyncing(agent) ? "animate-spin" : undefined} />
                        <span className="hidden lg:inline">Sync now</span>
                      </Button>
                    )}
                    {canManage && (
                      <>
                        <Button
                          variant="ghost"
                          size="icon"
                          aria-label={`Rename ${agent.name}`}
                          onClick={() => setPending({ kind: "rename", agent })}
                        >
                          <PencilIcon aria-hidden="true" />
                        </Button>
                        <Button
                          variant="ghost"
                          size="icon"
                          aria-label={`Remove ${agent.name}`}
                          onClick={() => setPending({ kind: "delete", agent })}
                        >
                          <Trash2Icon aria-hidden="true" />
                        </Button>
                      </>
                    )}
                  </div>
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {pending?.kind === "rename" && (
        <RenameAgentDialog
          agent={pending.agent}
          onClose={() => setPending(null)}
          onRename={(name) =>
            rename.mutate(
              { id: pending.agent.id, name },
              {
                onSuccess: () => toastSuccess("Agent renamed", `Now called ${name}.`),
                onError: (error) => toastError("Could not rename the agent", errorMessage(error)),
              },
            )
          }
        />
      )}
      {pending?.kind === "delete" && (
        <DeleteAgentDialog
          agent={pending.agent}
          onClose={() => setPending(null)}
          onConfirm={() =>
            remove.mutate(pending.agent.id, {
              onSuccess: () => toastSuccess("Agent removed", "Its calls are kept in History."),
              onError: (error) => toastError("Could not remove the agent", errorMessage(error)),
            })
          }
        />
      )}
    </>
  );
}
