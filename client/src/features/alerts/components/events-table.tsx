import { HistoryIcon } from "lucide-react";
import type { AlertChannel, AlertEvent } from "@shared/alert-schemas";
import { Badge } from "@/components/ui/badge";
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
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { sentenceOf } from "@/lib/error-words";
import { formatDateTime } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";
import { useAlertEvents } from "@/features/alerts/api";
import { formatMetric } from "@/features/alerts/format";

function Deliveries({ event, channels }: { event: AlertEvent; channels: AlertChannel[] }) {
  if (!event.deliveries.length) return <span className="text-muted-foreground">No channel</span>;
  return (
    <ul className="grid gap-1">
      {event.deliveries.map((d) => {
        const name = channels.find((c) => c.id === d.channelId)?.name ?? "Channel";
        return (
          <li key={d.channelId} className="flex flex-wrap items-center gap-1.5 text-xs">
            <Badge variant={d.ok ? "success" : d.error?.startsWith("pending") ? "secondary" : "destructive"}>
              {d.ok ? "Delivered" : d.error?.startsWith("pending") ? "Pending" : "Failed"}
            </Badge>
            <span>{name}</span>
            <span className="text-muted-foreground">
              {d.status ? `HTTP ${d.status} · ` : ""}
              {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
              {!d.ok && d.error && !d.error.startsWith("pending") ? ` · ${sentenceOf(d.error)}` : ""}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function EventBadge({ event }: { event: AlertEvent }) {
  return event.state === "firing" ? (
    <Badge variant="destructive">Fired</Badge>
  ) : (
    <Badge variant="success">Resolved</Badge>
  );
}

export function EventsTable({ channels }: { channels: AlertChannel[] }) {
  const events = useAlertEvents();
  const wide = useMediaQuery(WIDE);
  if (events.isError)
    return <ErrorState title="Could not load the history" error={events.error} onRetry={() => void events.refetch()} />;
  const rows = events.data?.pages.flatMap((p) => p.data) ?? [];
  if (events.data && rows.length === 0)
    return (
      <EmptyState
        className="m-5"
        icon={<HistoryIcon />}
        title="Nothing has fired yet"
        description="Each time a rule fires or resolves, it is listed here with what each channel answered."
      />
    );
  return (
    <>
      {!wide ? (
        <ul aria-label="Firing history" aria-busy={!events.data} className="divide-y border-t">
          {rows.map((e) => (
            <li key={e.id} className="grid gap-1.5 px-4 py-3">
              <div className="flex items-start justify-between gap-2">
                <span className="font-medium">{e.ruleName}</span>
                <EventBadge event={e} />
              </div>
              <p className="text-xs text-muted-foreground">
                {formatDateTime(e.at)} ·{" "}
                <span className="figure text-foreground">{formatMetric(e.metric, e.value)}</span> (threshold{" "}
                {formatMetric(e.metric, e.threshold)})
              </p>
              <Deliveries event={e} channels={channels} />
            </li>
          ))}
        </ul>
      ) : (
        <Table label="Firing history">
          <TableHeader>
            <TableRow>
              <TableHead>When</TableHead>
              <TableHead>Rule</TableHead>
              <TableHead>Event</TableHead>
              <TableHead className="text-right">Value</TableHead>
              <TableHead>Deliveries</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {!events.data ? (
              <TableSkeletonRows columns={5} rows={3} />
            ) : (
              rows.map((e) => (
                <TableRow key={e.id}>
                  <TableCell className="whitespace-nowrap text-sm">{formatDateTime(e.at)}</TableCell>
                  <TableCell className="font-medium">{e.ruleName}</TableCell>
                  <TableCell>
                    <EventBadge event={e} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {formatMetric(e.metric, e.value)}
                    <span className="block text-xs text-muted-foreground">
                      threshold {formatMetric(e.metric, e.threshold)}
                    </span>
                  </TableCell>
                  <TableCell>
                    <Deliveries event={e} channels={channels} />
                  </TableCell>
                </TableRow>
              ))
            )}
          </TableBody>
        </Table>
      )}
      {events.hasNextPage && (
        <div className="flex justify-center p-4">
          <Button variant="outline" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
            {events.isFetchingNextPage ? "Loading…" : "Load older events"}
          </Button>
        </div>
      )}
    </>
  );
}
