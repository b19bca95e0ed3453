import type { CallLogSummary } from "@shared/schemas";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow, TableSkeletonRows } from "@/components/ui/table";
import { focusRing } from "@/components/ui/button";
import { formatDateTime, formatDuration } from "@/lib/format";
import { cn } from "@/lib/utils";
import { CallOutcomeBadge } from "@/features/calls/components/call-outcome-badge";

export function CallsTable({
  calls,
  loading,
  onOpen,
}: {
  calls: CallLogSummary[];
  loading: boolean;
  onOpen: (call: CallLogSummary) => void;
}) {
  return (
    <Table label="Calls">
      <TableHeader>
        <TableRow>
          <TableHead>Started</TableHead>
          <TableHead>Agent</TableHead>
          <TableHead className="text-right">Duration</TableHead>
          <TableHead>Outcome</TableHead>
          <TableHead>Title</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {loading && <TableSkeletonRows columns={5} rows={8} />}
        {calls.map((call) => (
          <TableRow key={call.id} className="cursor-pointer" onClick={() => onOpen(call)}>
            <TableCell className="whitespace-nowrap">
              {/* The row is clickable for the mouse; this button is the keyboard and screen reader way in. */}
              <button
                type="button"
                className={cn("rounded-sm text-left font-medium underline-offset-4 hover:underline", focusRing)}
                onClick={(event) => {
                  event.stopPropagation();
                  onOpen(call);
                }}
              >
                {call.startedAt ? <time dateTime={call.startedAt}>{formatDateTime(call.startedAt)}</time> : "Unknown time"}
                <span className="sr-only">: open call details</span>
              </button>
            </TableCell>
            <TableCell className="max-w-48 truncate">
              {call.agentName ?? <code className="text-xs text-muted-foreground">{call.elevenLabsAgentId}</code>}
            </TableCell>
            <TableCell className="text-right tabular-nums whitespace-nowrap">{formatDuration(call.durationSeconds)}</TableCell>
            <TableCell>
              <CallOutcomeBadge call={call} />
            </TableCell>
            <TableCell className="max-w-80 truncate text-muted-foreground">{call.summaryTitle ?? "—"}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
