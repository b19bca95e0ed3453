import { useState } from "react";
import { ChevronLeftIcon, ChevronRightIcon, DownloadIcon, HistoryIcon } from "lucide-react";
import type { CallLogSummary } from "@shared/schemas";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { useAgentOptions, type AgentOption } from "@/lib/agent-options";
import { formatNumber, isIsoDay } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";
import { useUrlParams, type UrlChanges } from "@/lib/url-state";
import { callExportUrl, useCallLogCount, useCallLogPage, type CallFilters } from "@/features/calls/api";
import { CallDetailSheet } from "@/features/calls/components/call-detail-sheet";
import { activeFilterCount, CallFiltersBar, CallSearch, FilterSheet } from "@/features/calls/components/call-filters";
import { CallsList, CallsTable } from "@/features/calls/components/calls-table";
import { TableSettings, useTableSettings } from "@/features/calls/components/table-settings";

const SUCCESS_VALUES = new Set(["true", "false", "unknown"]);
const DIRECTIONS = new Set(["inbound", "outbound"]);

function readNumber(value: string | null): number | undefined {
  if (value == null || value === "") return undefined;
  const number = Number(value);
  return Number.isInteger(number) && number >= 0 ? number : undefined;
}

/** Filters from the URL; anything malformed is ignored rather than sent to the server. */
function readFilters(params: URLSearchParams): CallFilters {
  const from = params.get("from");
  const to = params.get("to");
  const success = params.get("success");
  return {
    q: params.get("q")?.trim() || undefined,
    agentId: params.get("agent") || undefined,
    from: isIsoDay(from) ? from : undefined,
    to: isIsoDay(to) ? to : undefined,
    status: params.get("status") || undefined,
    success: success && SUCCESS_VALUES.has(success) ? success : undefined,
    minDuration: readNumber(params.get("minDuration")),
    maxDuration: readNumber(params.get("maxDuration")),
    direction: DIRECTIONS.has(params.get("direction") ?? "") ? (params.get("direction") ?? undefined) : undefined,
    toolError: params.get("toolError") === "true" ? "true" : undefined,
    minRating: ((r) => (r !== undefined && r >= 1 && r <= 5 ? r : undefined))(readNumber(params.get("minRating"))),
    language: params.get("language")?.trim() || undefined,
    phone: /^\+?[1-9][0-9]{2,19}$/.test(params.get("phone")?.trim() ?? "") ? params.get("phone")!.trim() : undefined,
    terminationReason: params.get("terminationReason")?.trim() || undefined,
    versionId: params.get("versionId")?.trim() || undefined,
    criterion: /^[^:]{1,200}:(success|failure)$/.test(params.get("criterion")?.trim() ?? "") ? params.get("criterion")!.trim() : undefined,
  };
}

/** Phones: the search stays in view; every other filter is in a sheet behind "Filters (n)". */
function PhoneFilters({ filters, agents, onChange, matching }: { filters: CallFilters; agents: AgentOption[]; onChange: (changes: UrlChanges) => void; matching?: number }) {
  return (
    <div className="grid gap-3">
      <CallSearch filters={filters} onChange={onChange} />
      <FilterSheet title="Filters" count={activeFilterCount(filters)} matching={matching} className="justify-self-start">
        <CallFiltersBar filters={filters} agents={agents} onChange={onChange} variant="sheet" />
      </FilterSheet>
    </div>
  );
}

export default function HistoryPage() {
  const [params, setParams] = useUrlParams();
  const filters = readFilters(params);
  const filterKey = JSON.stringify(filters);
  const openCallId = params.get("call") ?? undefined;
  const agents = useAgentOptions();

  // Keyset pagination: the cursors of the pages before this one, to go back. Reset when the filters change.
  const [pages, setPages] = useState<{ filterKey: string; cursors: (string | undefined)[] }>({ filterKey, cursors: [undefined] });
  const cursors = pages.filterKey === filterKey ? pages.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const page = useCallLogPage(filters, cursor);
  const calls = page.data?.data ?? [];
  const hasFilters = Object.values(filters).some((value) => value !== undefined);

  const count = useCallLogCount(filters);
  const [settings, setSettings] = useTableSettings();
  const wide = useMediaQuery(WIDE);

  const open = (call: CallLogSummary) => setParams({ call: call.id });
  const at = calls.findIndex((call) => call.id === openCallId);
  const neighbors = {
    newer: at > 0 ? calls[at - 1].id : undefined,
    older: at >= 0 && at + 1 < calls.length ? calls[at + 1].id : undefined,
    onOpen: (id: string) => setParams({ call: id }),
  };

  return (
    <>
      <PageHeader
        title="History"
        description="Every call of your agents, newest first. New calls appear automatically."
        actions={
          <>
            {wide && <TableSettings settings={settings} onChange={setSettings} />}
            <Button asChild variant="outline">
              <a href={callExportUrl(filters)} download>
                <DownloadIcon aria-hidden="true" />
                Export CSV
              </a>
            </Button>
          </>
        }
      />
      {wide ? (
        <CallFiltersBar filters={filters} agents={agents.data ?? []} onChange={setParams} matching={count.data?.count} />
      ) : (
        <PhoneFilters filters={filters} agents={agents.data ?? []} onChange={setParams} matching={count.data?.count} />
      )}
      {page.isError ? (
        <ErrorState title="Could not load calls" error={page.error} onRetry={() => void page.refetch()} />
      ) : !page.isPending && calls.length === 0 && cursors.length === 1 ? (
        <EmptyState
          icon={<HistoryIcon aria-hidden="true" />}
          title={hasFilters ? "No calls match these filters" : "No calls yet"}
          description={
            hasFilters
              ? "Try a wider date range or fewer filters."
              : "Calls appear here when ElevenLabs sends them by webhook or when an agent is synced. Add an agent on the Agents page to import its past calls."
          }
        />
      ) : (
        <Card className="gap-0 py-0">
          <CardContent className="px-0" aria-busy={page.isFetching && page.isPlaceholderData}>
            {wide ? (
              <CallsTable calls={calls} loading={page.isPending} onOpen={open} columns={settings.columns} density={settings.density} />
            ) : (
              <CallsList calls={calls} loading={page.isPending} onOpen={open} />
            )}
          </CardContent>
          <nav aria-label="Pagination" className="flex items-center justify-between gap-2 border-t px-4 py-3">
            <p className="text-sm text-muted-foreground" aria-live="polite">
              Page {cursors.length}
              {count.data && ` · ${formatNumber(count.data.count)} ${count.data.count === 1 ? "call" : "calls"}`}
            </p>
            <div className="flex gap-2">
              <Button
                variant="outline"
                size="sm"
                disabled={cursors.length === 1}
                onClick={() => setPages({ filterKey, cursors: cursors.slice(0, -1) })}
              >
                <ChevronLeftIcon aria-hidden="true" />
                Newer
              </Button>
              <Button
                variant="outline"
                size="sm"
                disabled={!page.data?.nextCursor || page.isPlaceholderData}
                onClick={() => page.data?.nextCursor && setPages({ filterKey, cursors: [...cursors, page.data.nextCursor] })}
              >
                Older
                <ChevronRightIcon aria-hidden="true" />
              </Button>
            </div>
          </nav>
        </Card>
      )}
      <CallDetailSheet callId={openCallId} onClose={() => setParams({ call: null })} neighbors={neighbors} />
    </>
  );
}
