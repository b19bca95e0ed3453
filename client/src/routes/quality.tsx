/** Quality: latency percentiles, evaluation trends, terminations, durations, tools and versions (DESIGN.md §9). */
import { ActivityIcon, BotIcon, GaugeIcon, TimerIcon, WrenchIcon } from "lucide-react";
import { Link } from "wouter";
import type { QualityAnalytics } from "@shared/quality-schemas";
import { AgentFilter } from "@/components/agent-filter";
import { DateRangePicker } from "@/components/date-range-picker";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { StatCard, StatCardSkeleton } from "@/components/stat-card";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useAgentOptions } from "@/lib/agent-options";
import { readDayRange } from "@/lib/date-range";
import { formatDate, formatMilliseconds, formatNumber, formatPercent, timeZoneLabel } from "@/lib/format";
import { useUrlParams } from "@/lib/url-state";
import { useQualityAnalytics } from "@/features/quality/api";
import {
  LazyCriteriaTrendChart,
  LazyDurationHistogramChart,
  LazyLatencyTrendChart,
  LazyTerminationChart,
} from "@/features/quality/components/lazy-quality-charts";
import { AgentsQualityTable, ToolsTable, VersionsTable } from "@/features/quality/components/quality-tables";

const ms = formatMilliseconds;

function LatencyStats({ data }: { data: QualityAnalytics | undefined }) {
  if (!data)
    return (
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <StatCardSkeleton key={i} />
        ))}
      </div>
    );
  const { llmTtfbMs, ttsTtfbMs, toolLatencyMs } = data.latency;
  const toolCalls = data.tools.reduce((s, t) => s + t.calls, 0);
  const toolErrors = data.tools.reduce((s, t) => s + t.errors, 0);
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <StatCard
        label="LLM time to first byte (p90)"
        value={ms(llmTtfbMs.p90)}
        icon={<GaugeIcon aria-hidden="true" />}
        footer={`p50\u00a0${ms(llmTtfbMs.p50)} · p95\u00a0${ms(llmTtfbMs.p95)} · ${formatNumber(llmTtfbMs.turns)}\u00a0turns`}
      />
      <StatCard
        label="TTS time to first byte (p90)"
        value={ms(ttsTtfbMs.p90)}
        icon={<ActivityIcon aria-hidden="true" />}
        footer={`p50\u00a0${ms(ttsTtfbMs.p50)} · p95\u00a0${ms(ttsTtfbMs.p95)} · ${formatNumber(ttsTtfbMs.turns)}\u00a0turns`}
      />
      <StatCard
        label="Tool latency (p90)"
        value={ms(toolLatencyMs.p90)}
        icon={<TimerIcon aria-hidden="true" />}
        footer={`p50\u00a0${ms(toolLatencyMs.p50)} · ${formatNumber(toolLatencyMs.turns)}\u00a0results`}
      />
      <StatCard
        label="Tool error rate"
        value={toolCalls === 0 ? "—" : formatPercent(toolErrors / toolCalls)}
        icon={<WrenchIcon aria-hidden="true" />}
        footer={`${formatNumber(toolErrors)}\u00a0errors in ${formatNumber(toolCalls)}\u00a0tool calls`}
      />
    </div>
  );
}

function ChartCard({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <Card className="min-w-0">
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        {description && <CardDescription>{description}</CardDescription>}
      </CardHeader>
      <CardContent>{children}</CardContent>
    </Card>
  );
}

function TableCard({ title, description, children }: { title: string; description: string; children: React.ReactNode }) {
  return (
    <Card className="min-w-0 pb-0">
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent className="px-0">{children}</CardContent>
    </Card>
  );
}

export default function QualityPage() {
  const [params, setParams] = useUrlParams();
  const range = readDayRange(params);
  const agentId = params.get("agent") ?? undefined;
  const agents = useAgentOptions();
  const quality = useQualityAnalytics({ from: range.from, to: range.to, agentId });
  const data = quality.data;
  const noAgents = agents.data?.length === 0;

  return (
    <>
      <PageHeader
        title="Quality"
        description={`How fast and how well your agents answer · ${formatDate(`${range.from}T00:00:00`)} – ${formatDate(`${range.to}T00:00:00`)}`}
        actions={
          !noAgents && (
            <>
              <AgentFilter agents={agents.data ?? []} value={agentId} onChange={(agent) => setParams({ agent })} />
              <DateRangePicker
                range={range}
                onChange={(change) =>
                  setParams({
                    range: change.preset,
                    from: change.preset === "custom" ? change.from : null,
                    to: change.preset === "custom" ? change.to : null,
                  })
                }
              />
            </>
          )
        }
      />
      {noAgents ? (
        <EmptyState
          icon={<BotIcon aria-hidden="true" />}
          title="No agents yet"
          description="Quality numbers appear once your agents have calls. Add an agent to import its calls."
        >
          <Button asChild>
            <Link href="/agents">Add an agent</Link>
          </Button>
        </EmptyState>
      ) : quality.isError ? (
        <ErrorState title="Could not load quality analytics" error={quality.error} onRetry={() => void quality.refetch()} />
      ) : (
        <div className="grid gap-4" aria-busy={quality.isFetching && !data}>
          <LatencyStats data={data} />
          <ChartCard title="Latency per day" description={`90th percentile of each day's turns, in the organization's time zone, ${timeZoneLabel(data?.range.tz)}.`}>
            {data ? <LazyLatencyTrendChart data={data.latencyDaily} /> : <Skeleton className="h-64 w-full" />}
          </ChartCard>
          <div className="grid gap-4 lg:grid-cols-2">
            <ChartCard title="Evaluation criteria" description="Share of passed results per day (unknown results left out).">
              {!data ? (
                <Skeleton className="h-64 w-full" />
              ) : data.criteria.length === 0 ? (
                <p className="text-sm text-muted-foreground">No call was evaluated in this period.</p>
              ) : (
                <>
                  <LazyCriteriaTrendChart criteria={data.criteria} />
                  <ul className="mt-3 grid gap-1 text-sm">
                    {data.criteria.map((c) => (
                      <li key={c.criterionId} className="flex justify-between gap-2">
                        <code className="text-xs">{c.criterionId}</code>
                        <span className="tabular-nums text-muted-foreground">
                          {formatPercent(c.passRate)} · {formatNumber(c.passed)} passed, {formatNumber(c.failed)} failed
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </ChartCard>
            <ChartCard title="Why calls ended" description="Termination reasons reported by ElevenLabs.">
              {data ? <LazyTerminationChart data={data.terminationReasons} /> : <Skeleton className="h-56 w-full" />}
            </ChartCard>
          </div>
          <ChartCard title="Call durations" description="How long calls lasted.">
            {data ? <LazyDurationHistogramChart data={data.durationHistogram} /> : <Skeleton className="h-56 w-full" />}
          </ChartCard>
          <TableCard title="Tools" description="Calls, errors and the 90th percentile of latency per tool.">
            {data ? <ToolsTable tools={data.tools} /> : <Skeleton className="mx-5 mb-5 h-24" />}
          </TableCard>
          <TableCard title="Versions" description="Agent versions side by side. Under 30 calls a comparison says little: those are marked.">
            {data ? <VersionsTable versions={data.byVersion} /> : <Skeleton className="mx-5 mb-5 h-24" />}
          </TableCard>
          <TableCard title="By agent" description="Latency of each agent's answers.">
            {data ? <AgentsQualityTable agents={data.byAgent} /> : <Skeleton className="mx-5 mb-5 h-24" />}
          </TableCard>
        </div>
      )}
    </>
  );
}
