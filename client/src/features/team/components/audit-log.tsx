import { ScrollTextIcon } from "lucide-react";
import { ErrorState } from "@/components/error-state";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow, TableSkeletonRows } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { useAuditLog } from "@/features/team/api";

/** "agent.created" -> "Agent created". */
function describeAction(action: string): string {
  const words = action.replace(/[._:]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function AuditLog() {
  const audit = useAuditLog();
  const entries = audit.data?.pages.flatMap((page) => page.data) ?? [];

  if (audit.isError) return <ErrorState title="Could not load the audit log" error={audit.error} onRetry={() => void audit.refetch()} />;
  if (!audit.isPending && entries.length === 0) {
    return <EmptyState icon={<ScrollTextIcon aria-hidden="true" />} title="Nothing recorded yet" description="Sign-ins, key changes, agent and team changes are recorded here." />;
  }
  return (
    <div className="grid gap-3">
      <Table label="Audit log">
        <TableHeader>
          <TableRow>
            <TableHead>When</TableHead>
            <TableHead>Who</TableHead>
            <TableHead>What</TableHead>
            <TableHead>Target</TableHead>
            <TableHead>IP address</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {audit.isPending && <TableSkeletonRows columns={5} rows={4} />}
          {entries.map((entry) => (
            <TableRow key={entry.id}>
              <TableCell className="whitespace-nowrap">
                <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
              </TableCell>
              <TableCell>{entry.actorEmail || (entry.actorUserId ? "A former member" : "System")}</TableCell>
              <TableCell>{describeAction(entry.action)}</TableCell>
              <TableCell className="max-w-64 truncate text-muted-foreground">{entry.target ?? "—"}</TableCell>
              <TableCell className="font-mono text-xs text-muted-foreground">{entry.ip ?? "—"}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {audit.hasNextPage && (
        <Button variant="outline" className="justify-self-center" disabled={audit.isFetchingNextPage} onClick={() => void audit.fetchNextPage()}>
          {audit.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      )}
    </div>
  );
}
