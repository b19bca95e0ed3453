import { AudioLinesIcon, PhoneIncomingIcon, PhoneOutgoingIcon, WrenchIcon } from "lucide-react";
import type { CallLogSummary } from "@shared/schemas";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow, TableSkeletonRows } from "@/components/ui/table";
import { focusRing } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { formatCredits, formatDateTime, formatDuration } from "@/lib/format";
import { cn } from "@/lib/utils";
import { CallOutcomeBadge } from "@/features/calls/components/call-outcome-badge";

/** The History table's optional columns, in display order; the column chooser toggles them. */
export const CALL_COLUMNS = [
  { id: "agent", label: "Agent" },
  { id: "duration", label: "Duration" },
  { id: "outcome", label: "Outcome" },
  { id: "score", label: "Evaluation" },
  { id: "caller", label: "Caller" },
  { id: "cost", label: "Cost" },
  { id: "ended", label: "Ended because" },
  { id: "audio", label: "Recording" },
  { id: "title", label: "Title" },
] as const;
export type CallColumn = (typeof CALL_COLUMNS)[number]["id"];
// What fits beside the sidebar at 1280 px without sideways scrolling; the caller is one click away in "Columns".
export const DEFAULT_COLUMNS: CallColumn[] = ["agent", "duration", "outcome", "score", "cost", "audio", "title"];
export type Density = "comfortable" | "compact";

/** Where a search matched, the matching words marked. */
function Snippet({ snippet }: { snippet: NonNullable<CallLogSummary["snippet"]> }) {
  return (
    <span className="mt-1 line-clamp-2 block max-w-xl text-xs font-normal whitespace-normal text-muted-foreground">
      {snippet.map((piece, i) =>
        piece.match ? (
          <mark key={i} className="rounded-sm bg-amber-200 px-0.5 text-foreground dark:bg-amber-700/60">
            {piece.text}
          </mark>
        ) : (
          <span key={i}>{piece.text}</span>
        ),
      )}
    </span>
  );
}

function Score({ criteria }: { criteria: CallLogSummary["criteria"] }) {
  if (!criteria || criteria.total === 0) return <span className="text-muted-foreground">—</span>;
  const all = criteria.passed === criteria.total;
  return (
    <span
      className={cn("tabular-nums", criteria.failed > 0 ? "text-red-700 dark:text-red-300" : all ? "text-emerald-700 dark:text-emerald-300" : "")}
      title={`${criteria.passed} passed, ${criteria.failed} failed, ${criteria.total - criteria.passed - criteria.failed} unknown`}
    >
      {criteria.passed}/{criteria.total}
    </span>
  );
}

function cell(column: CallColumn, call: CallLogSummary) {
  switch (column) {
    case "agent":
      return call.agentName ?? <code className="text-xs text-muted-foreground">{call.elevenLabsAgentId}</code>;
    case "duration":
      return formatDuration(call.durationSeconds);
    case "outcome":
      return (
        <span className="inline-flex items-center gap-1">
          <CallOutcomeBadge call={call} />
          {call.hasToolError && <WrenchIcon aria-label="A tool returned an error" className="size-4 text-red-600 dark:text-red-400" />}
        </span>
      );
    case "score":
      return <Score criteria={call.criteria} />;
    case "caller":
      if (!call.externalNumber && !call.direction) return <span className="text-muted-foreground">—</span>;
      return (
        <span className="inline-flex items-center gap-1 whitespace-nowrap tabular-nums">
          {call.direction === "outbound" ? (
            <PhoneOutgoingIcon aria-label="Outbound" className="size-3.5 text-muted-foreground" />
          ) : (
            <PhoneIncomingIcon aria-label="Inbound" className="size-3.5 text-muted-foreground" />
          )}
          {call.externalNumber ?? "—"}
        </span>
      );
    case "cost":
      return formatCredits(call.costCredits);
    case "ended":
      return call.terminationReason ?? "—";
    case "audio":
      return call.hasAudio ? <AudioLinesIcon aria-label="Has a recording" className="size-4" /> : <span className="sr-only">No recording</span>;
    case "title":
      return call.summaryTitle ?? "—";
  }
}

const CELL_CLASS: Record<CallColumn, string> = {
  agent: "max-w-48 truncate",
  duration: "text-right tabular-nums whitespace-nowrap",
  outcome: "",
  score: "text-right",
  caller: "",
  cost: "text-right tabular-nums whitespace-nowrap",
  ended: "max-w-48 truncate text-muted-foreground",
  audio: "text-center text-muted-foreground",
  title: "max-w-80 truncate text-muted-foreground",
};

function StartedAt({ call }: { call: CallLogSummary }) {
  return call.startedAt ? <time dateTime={call.startedAt}>{formatDateTime(call.startedAt)}</time> : <>Unknown time</>;
}

/**
 * Phones: one row per call with the essentials (started, agent, outcome, duration), the whole row a button
 * that opens the call. The table's other columns are in the call's detail.
 */
export function CallsList({ calls, loading, onOpen }: { calls: CallLogSummary[]; loading: boolean; onOpen: (call: CallLogSummary) => void }) {
  return (
    <ul aria-label="Calls" aria-busy={loading} className="divide-y">
      {loading &&
        Array.from({ length: 6 }, (_, i) => (
          <li key={i} className="grid gap-2 px-4 py-3" aria-hidden="true">
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-3 w-56" />
          </li>
        ))}
      {calls.map((call) => (
        <li key={call.id}>
          <button
            type="button"
            className={cn("grid w-full gap-1 px-4 py-3 text-left hover:bg-muted/50", focusRing, "focus-visible:ring-inset focus-visible:ring-offset-0")}
            onClick={() => onOpen(call)}
          >
            <span className="flex items-start justify-between gap-3">
              <span className="font-medium">
                <StartedAt call={call} />
                <span className="sr-only">: open call details</span>
              </span>
              <span className="inline-flex shrink-0 items-center gap-1">
                <CallOutcomeBadge call={call} />
                {call.hasToolError && <WrenchIcon aria-label="A tool returned an error" className="size-4 text-red-600 dark:text-red-400" />}
              </span>
            </span>
            <span className="flex items-baseline justify-between gap-3 text-sm text-muted-foreground">
              <span className="min-w-0 truncate">{call.agentName ?? call.elevenLabsAgentId}</span>
              <span className="shrink-0 tabular-nums">{formatDuration(call.durationSeconds)}</span>
            </span>
            {call.snippet && <Snippet snippet={call.snippet} />}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function CallsTable({
  calls,
  loading,
  onOpen,
  columns = DEFAULT_COLUMNS,
  density = "comfortable",
}: {
  calls: CallLogSummary[];
  loading: boolean;
  onOpen: (call: CallLogSummary) => void;
  columns?: CallColumn[];
  density?: Density;
}) {
  const shown = CALL_COLUMNS.filter((c) => columns.includes(c.id));
  const pad = density === "compact" ? "py-1" : undefined;
  return (
    <Table label="Calls" data-density={density}>
      <TableHeader>
        <TableRow>
          <TableHead>Started</TableHead>
          {shown.map((c) => (
            <TableHead key={c.id} className={cn(["duration", "cost", "score"].includes(c.id) && "text-right")}>
              {c.id === "audio" ? <span className="sr-only">Recording</span> : c.label}
            </TableHead>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {loading && <TableSkeletonRows columns={shown.length + 1} rows={8} />}
        {calls.map((call) => (
          <TableRow key={call.id} className="cursor-pointer" onClick={() => onOpen(call)}>
            <TableCell className={cn("whitespace-nowrap", pad)}>
              {/* The row is clickable for the mouse; this button is the keyboard and screen reader way in. */}
              <button
                type="button"
                className={cn("rounded-sm text-left font-medium underline-offset-4 hover:underline", focusRing)}
                onClick={(event) => {
                  event.stopPropagation();
                  onOpen(call);
                }}
              >
                <StartedAt call={call} />
                <span className="sr-only">: open call details</span>
              </button>
              {call.snippet && <Snippet snippet={call.snippet} />}
            </TableCell>
            {shown.map((c) => (
              <TableCell key={c.id} className={cn(CELL_CLASS[c.id], pad)}>
                {cell(c.id, call)}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
