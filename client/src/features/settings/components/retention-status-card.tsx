import type { RetentionStatus } from "@shared/governance-schemas";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDateTime, formatNumber, formatRelative } from "@/lib/format";

function dueText(count: number, cap: number, noun: string): string {
  return `${count >= cap ? `${formatNumber(cap)}+` : formatNumber(count)} ${noun}`;
}

function every(seconds: number): string {
  if (seconds <= 0) return "Retention is switched off on this server.";
  if (seconds % 3600 === 0) return `Retention runs every ${seconds / 3600 === 1 ? "hour" : `${seconds / 3600} hours`}.`;
  return `Retention runs every ${Math.round(seconds / 60)} minutes.`;
}

/** What the next retention run will delete and what the last one did. */
export function RetentionStatusCard({ status }: { status: RetentionStatus | undefined }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>What will be deleted</CardTitle>
        <CardDescription>{status ? every(status.intervalSeconds) : "Reading the retention status…"}</CardDescription>
      </CardHeader>
      <CardContent>
        {!status ? (
          <div className="grid gap-2" aria-busy="true">
            <Skeleton className="h-5 w-3/4" />
            <Skeleton className="h-5 w-2/3" />
            <Skeleton className="h-5 w-1/2" />
          </div>
        ) : (
          <div className="grid gap-4 text-sm">
            <ul className="grid gap-1.5" aria-label="Next retention run">
              <li>
                {status.cutoffs.calls
                  ? `Calls started before ${formatDateTime(status.cutoffs.calls)}: ${dueText(status.due.calls, status.countCap, "calls")} due now, with their recordings and raw events.`
                  : "Calls are kept forever."}
              </li>
              <li>
                {status.cutoffs.audio
                  ? `Recordings of calls started before ${formatDateTime(status.cutoffs.audio)}: ${dueText(status.due.audio, status.countCap, "recordings")} due now.`
                  : "Recordings are kept forever."}
              </li>
              <li>
                {status.cutoffs.rawEvents
                  ? `Raw webhook events received before ${formatDateTime(status.cutoffs.rawEvents)}: ${dueText(status.due.rawEvents, status.countCap, "events")} due now.`
                  : "Raw webhook events are kept forever."}
              </li>
            </ul>
            <p className="text-muted-foreground" data-testid="retention-last-run">
              {status.lastRunAt
                ? `Last run ${formatRelative(status.lastRunAt)} (${formatDateTime(status.lastRunAt)}): deleted ${formatNumber(status.lastDeleted?.calls ?? 0)} calls, ${formatNumber(status.lastDeleted?.audio ?? 0)} recordings and ${formatNumber(status.lastDeleted?.rawEvents ?? 0)} raw events.`
                : "Retention has not run for this organization yet."}
            </p>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
