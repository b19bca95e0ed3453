import { useState } from "react";
import { Link } from "wouter";
import type { Agent } from "@shared/schemas";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow, TableSkeletonRows } from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { useCan } from "@/lib/auth";
import { formatDateTime, formatMinutes, formatNumber, formatPercent, formatRelative } from "@/lib/format";
import { useDeleteAgent, useRenameAgent, useSyncAgent } from "@/features/agents/api";
import { AgentActions, type AgentActionHandlers } from "@/features/agents/components/agent-actions";
import { AgentSyncState } from "@/features/agents/components/agent-sync-cell";
import { DeleteAgentDialog } from "@/features/agents/components/delete-agent-dialog";
import { RenameAgentDialog } from "@/features/agents/components/rename-agent-dialog";

type Pending = { kind: "rename" | "delete"; agent: Agent } | null;

const callsOf = (agent: Agent) => `/history?agent=${encodeURIComponent(agent.id)}`;

function LastCall({ agent }: { agent: Agent }) {
  return agent.lastCallAt ? (
    <time dateTime={agent.lastCallAt} title={formatDateTime(agent.lastCallAt)}>
      {formatRelative(agent.lastCallAt)}
    </time>
  ) : (
    <>Never</>
  );
}

/**
 * Registered agents: a table from tablet width up, a list of rows with the essentials on phones. Each
 * name opens that agent's calls. `keyConnected` false turns Sync now off (the page explains why).
 */
export function AgentsTable({ agents, loading, keyConnected, syncBlockedHint }: { agents: Agent[]; loading: boolean; keyConnected: boolean; syncBlockedHint?: string }) {
  const canManage = useCan("agents:manage");
  const canSync = useCan("agents:sync");
  const [pending, setPending] = useState<Pending>(null);
  // Mutations live here, not in the dialogs, so their toasts survive the dialog closing.
  const rename = useRenameAgent();
  const remove = useDeleteAgent();
  const sync = useSyncAgent();
  const showActions = canManage || canSync;

  const handlers: AgentActionHandlers = {
    canManage,
    canSync,
    keyConnected,
    syncBlockedHint,
    syncPendingFor: sync.isPending ? (sync.variables ?? null) : null,
    onSync: (agent) =>
      sync.mutate(agent.id, {
        onSuccess: () => toastSuccess("Sync started", `Fetching the latest calls of ${agent.name}.`),
        onError: (error) => toastError("Could not start the sync", errorMessage(error)),
      }),
    onRename: (agent) => setPending({ kind: "rename", agent }),
    onDelete: (agent) => setPending({ kind: "delete", agent }),
  };

  return (
    <>
      <div className="hidden md:block">
        <Table label="Agents">
          <TableHeader>
            <TableRow>
              <TableHead>Name</TableHead>
              <TableHead className="text-right">Calls</TableHead>
              <TableHead className="text-right">Success rate</TableHead>
              <TableHead className="text-right">Minutes</TableHead>
              <TableHead className="text-right">Credits</TableHead>
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
            {loading && <TableSkeletonRows columns={showActions ? 8 : 7} rows={3} />}
            {agents.map((agent) => (
              <TableRow key={agent.id}>
                <TableCell className="min-w-44">
                  <Link href={callsOf(agent)} className="font-medium underline-offset-4 hover:underline">
                    {agent.name}
                  </Link>
                  <code className="mt-0.5 block text-xs break-all text-muted-foreground">{agent.elevenLabsAgentId}</code>
                </TableCell>
                {/* Today's count under the total: one column fewer keeps the actions on screen at 1280 px. */}
                <TableCell className="text-right">
                  {formatNumber(agent.totalCalls)}
                  <span className="sr-only">, </span>
                  <span className="block text-xs whitespace-nowrap text-muted-foreground">{formatNumber(agent.callsToday)} today</span>
                </TableCell>
                <TableCell className="text-right">{formatPercent(agent.successRate)}</TableCell>
                <TableCell className="text-right whitespace-nowrap">{formatMinutes(agent.minutes)}</TableCell>
                <TableCell className="text-right">{formatNumber(agent.credits)}</TableCell>
                <TableCell className="whitespace-nowrap">
                  <LastCall agent={agent} />
                </TableCell>
                <TableCell>
                  <AgentSyncState agent={agent} />
                </TableCell>
                {showActions && (
                  <TableCell>
                    <AgentActions agent={agent} handlers={handlers} />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <ul aria-label="Agents" aria-busy={loading} className="divide-y md:hidden">
        {agents.map((agent) => (
          <li key={agent.id} className="grid gap-2 px-4 py-3">
            <div className="flex items-start justify-between gap-2">
              <div className="min-w-0">
                <Link href={callsOf(agent)} className="font-medium underline underline-offset-4">
                  {agent.name}
                </Link>
                <p className="text-xs text-muted-foreground">
                  <span className="figure">{formatNumber(agent.totalCalls)}</span> calls · <span className="figure">{formatPercent(agent.successRate)}</span> success ·{" "}
                  <span className="figure">{formatMinutes(agent.minutes)}</span> ·{" "}
                  {agent.lastCallAt ? (
                    <>
                      last <LastCall agent={agent} />
                    </>
                  ) : (
                    "no calls yet"
                  )}
                </p>
              </div>
              <AgentSyncState agent={agent} />
            </div>
            {showActions && <AgentActions agent={agent} handlers={handlers} compact />}
          </li>
        ))}
      </ul>
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
