import { useState } from "react";
import { ScrollTextIcon } from "lucide-react";
import type { TeamMembers } from "@shared/schemas";
import { ErrorState } from "@/components/error-state";
import { EmptyState } from "@/components/empty-state";
import { Button } from "@/components/ui/button";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  TableSkeletonRows,
} from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";
import { useAuditLog, type AuditLogFilters } from "@/features/team/api";
import { AuditLogFiltersBar } from "@/features/team/components/audit-log-filters";

/** "agent.created" -> "Agent created". */
function describeAction(action: string): string {
  const words = action.replace(/[._:]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Newest first, 25 at a time ("Load more" pages on by keyset), filtered by kind of action and by member. */
export function AuditLog({ members }: { members: TeamMembers["data"] }) {
  const [filters, setFilters] = useState<AuditLogFilters>({});
  const audit = useAuditLog(filters);
  const wide = useMediaQuery(WIDE);
  const entries = audit.data?.pages.flatMap((page) => page.data) ?? [];
  const filtered = Boolean(filters.action || filters.actorUserId);

  if (audit.isError)
    return <ErrorState title="Could not load the audit log" error={audit.error} onRetry={() => void audit.refetch()} />;
  return (
    <div className="grid gap-3">
      <AuditLogFiltersBar filters={filters} members={members} onChange={setFilters} />
      {!audit.isPending && entries.length === 0 ? (
        <EmptyState
          className="mx-5"
          icon={<ScrollTextIcon aria-hidden="true" />}
          title={filtered ? "Nothing matches these filters" : "Nothing recorded yet"}
          description={
            filtered
              ? "Choose Everything and Anyone to see the whole log."
              : "Sign-ins, key changes, agent and team changes are recorded here."
          }
        />
      ) : !wide ? (
        <ul
          aria-label="Audit log"
          aria-busy={audit.isFetching && !audit.isFetchingNextPage}
          className="divide-y border-y"
        >
          {entries.map((entry) => (
            <li key={entry.id} className="grid gap-0.5 px-5 py-3">
              <span className="font-medium">{describeAction(entry.action)}</span>
              <span className="text-sm wrap-anywhere">
                {entry.actorEmail || (entry.actorUserId ? "A former member" : "System")}
              </span>
              <span className="text-xs wrap-anywhere text-muted-foreground">
                <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
                {entry.target ? ` · ${entry.target}` : ""}
                {entry.ip ? ` · ${entry.ip}` : ""}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <Table label="Audit log" aria-busy={audit.isFetching && !audit.isFetchingNextPage}>
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
      )}
      {audit.hasNextPage && (
        <Button
          variant="outline"
          className="justify-self-center"
          disabled={audit.isFetchingNextPage}
          onClick={() => void audit.fetchNextPage()}
        >
          {audit.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      )}
    </div>
  );
}
