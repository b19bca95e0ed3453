import { useState } from "react";
import { BellRingIcon, PencilIcon, Trash2Icon } from "lucide-react";
import type { AlertChannel, AlertRule } from "@shared/alert-schemas";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { EmptyState } from "@/components/empty-state";
import { errorMessage } from "@/lib/api";
import { useAgentOptions } from "@/lib/agent-options";
import { formatRelative } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";
import { cn } from "@/lib/utils";
import { useDeleteRule, useUpdateRule } from "@/features/alerts/api";
import { describeCondition, formatMetric } from "@/features/alerts/format";
import { RuleDialog } from "@/features/alerts/components/rule-dialog";

export function RuleStateBadge({ rule }: { rule: AlertRule }) {
  if (!rule.enabled) return <Badge variant="secondary">Disabled</Badge>;
  return rule.state === "firing" ? <Badge variant="destructive">Firing</Badge> : <Badge variant="success">OK</Badge>;
}

function RuleActions({
  rule,
  onToggle,
  onEdit,
  onDelete,
  className = "justify-end",
}: {
  rule: AlertRule;
  onToggle: (rule: AlertRule) => void;
  onEdit: (rule: AlertRule) => void;
  onDelete: (rule: AlertRule) => void;
  className?: string;
}) {
  return (
    <div className={cn("flex gap-1", className)}>
      <Button
        variant="ghost"
        size="sm"
        aria-label={`${rule.enabled ? "Disable" : "Enable"} ${rule.name}`}
        onClick={() => onToggle(rule)}
      >
        {rule.enabled ? "Disable" : "Enable"}
      </Button>
      <Button variant="ghost" size="icon" aria-label={`Edit ${rule.name}`} onClick={() => onEdit(rule)}>
        <PencilIcon aria-hidden="true" />
      </Button>
      <Button variant="ghost" size="icon" aria-label={`Delete ${rule.name}`} onClick={() => onDelete(rule)}>
        <Trash2Icon aria-hidden="true" />
      </Button>
    </div>
  );
}

export function RulesTable({
  rules,
  channels,
  canManage,
}: {
  rules: AlertRule[];
  channels: AlertChannel[];
  canManage: boolean;
}) {
  const agents = useAgentOptions();
  const update = useUpdateRule();
  const remove = useDeleteRule();
  const [editing, setEditing] = useState<AlertRule | null>(null);
  const [deleting, setDeleting] = useState<AlertRule | null>(null);
  const wide = useMediaQuery(WIDE);
  const toggle = (rule: AlertRule) =>
    update.mutate(
      { id: rule.id, enabled: !rule.enabled },
      { onError: (e) => toastError("Could not change the rule", errorMessage(e)) },
    );
  const agentName = (id: string | null) =>
    id ? (agents.data?.find((a) => a.id === id)?.name ?? "One agent") : "All agents";
  const channelNames = (ids: string[]) =>
    canManage
      ? ids
          .map((id) => channels.find((c) => c.id === id)?.name)
          .filter(Boolean)
          .join(", ") || "No channel"
      : `${ids.length} channel${ids.length === 1 ? "" : "s"}`;

  if (!rules.length)
    return (
      <EmptyState
        className="m-5"
        icon={<BellRingIcon />}
        title="No alert rules yet"
        description="A rule watches a metric, like the failure rate of one agent over the last hour, and notifies your channels when it crosses a threshold."
      />
    );

  const list = (
    <ul aria-label="Alert rules" className="divide-y border-t">
      {rules.map((rule) => (
        <li key={rule.id} className="grid gap-1 px-4 py-3">
          <div className="flex items-start justify-between gap-2">
            <span className="font-medium">{rule.name}</span>
            <RuleStateBadge rule={rule} />
          </div>
          <p className="text-xs text-muted-foreground">
            {describeCondition(rule)} · {agentName(rule.agentId)}
            {rule.criterionId ? ` · criterion ${rule.criterionId}` : ""}
          </p>
          <p className="text-xs text-muted-foreground">
            Now <span className="figure text-foreground">{formatMetric(rule.metric, rule.lastValue)}</span> · last fired{" "}
            {rule.lastFiredAt ? formatRelative(rule.lastFiredAt) : "never"} · notifies {channelNames(rule.channelIds)}
          </p>
          {canManage && (
            <RuleActions rule={rule} onToggle={toggle} onEdit={setEditing} onDelete={setDeleting} className="-ml-3" />
          )}
        </li>
      ))}
    </ul>
  );

  return (
    <>
      {wide ? (
        <Table label="Alert rules">
          <TableHeader>
            <TableRow>
              <TableHead>Rule</TableHead>
              <TableHead>State</TableHead>
              <TableHead className="text-right">Current value</TableHead>
              <TableHead>Last fired</TableHead>
              <TableHead>Notifies</TableHead>
              {canManage && (
                <TableHead className="text-right">
                  <span className="sr-only">Actions</span>
                </TableHead>
              )}
            </TableRow>
          </TableHeader>
          <TableBody>
            {rules.map((rule) => (
              <TableRow key={rule.id}>
                <TableCell>
                  <div className="grid">
                    <span className="font-medium">{rule.name}</span>
                    <span className="text-xs text-muted-foreground">
                      {describeCondition(rule)} · {agentName(rule.agentId)}
                      {rule.criterionId ? ` · criterion ${rule.criterionId}` : ""}
                    </span>
                  </div>
                </TableCell>
                <TableCell>
                  <RuleStateBadge rule={rule} />
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatMetric(rule.metric, rule.lastValue)}</TableCell>
                <TableCell className="text-sm text-muted-foreground">
                  {rule.lastFiredAt ? formatRelative(rule.lastFiredAt) : "Never"}
                </TableCell>
                <TableCell className="text-sm">{channelNames(rule.channelIds)}</TableCell>
                {canManage && (
                  <TableCell className="text-right">
                    <RuleActions rule={rule} onToggle={toggle} onEdit={setEditing} onDelete={setDeleting} />
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        list
      )}
      {editing && (
        <RuleDialog
          key={editing.id}
          open
          onOpenChange={(o) => !o && setEditing(null)}
          rule={editing}
          channels={channels}
        />
      )}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={<>Delete {deleting?.name}?</>}
        description="The rule stops being evaluated and its firing history is removed."
        confirmLabel="Delete rule"
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => toastSuccess("Rule deleted"),
            onError: (e) => toastError("Could not delete the rule", errorMessage(e)),
          })
        }
      />
    </>
  );
}
