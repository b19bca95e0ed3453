import { BotIcon, PlugIcon, SparklesIcon } from "lucide-react";
import { Link } from "wouter";
import { AgentFilter } from "@/components/agent-filter";
import { LazyDailyUsageChart } from "@/components/charts/lazy-daily-usage-chart";
import { DateRangePicker } from "@/components/date-range-picker";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useAgentOptions } from "@/lib/agent-options";
import { useCan } from "@/lib/auth";
import { readDayRange } from "@/lib/date-range";
import { formatDate, timeZoneLabel } from "@/lib/format";
import { useUrlParams } from "@/lib/url-state";
import { useAnalytics } from "@/features/analytics/api";
import { AgentBreakdownTable } from "@/features/analytics/components/agent-breakdown-table";
import { DashboardStats } from "@/features/analytics/components/dashboard-stats";

function GetStarted() {
  const canManage = useCan("integrations:manage");
  return (
    <EmptyState
      icon={<SparklesIcon aria-hidden="true" />}
      title="Welcome! Let's get your first calls in"
      description={
        canManage
          ? "Connect your ElevenLabs account with an API key, then add the agents you want to monitor. Their past calls are imported automatically."
          : "An owner or admin of your organization connects ElevenLabs and adds agents. Calls will show up here as soon as they do."
      }
    >
      <Button asChild>
        <Link href="/integrations">
          <PlugIcon aria-hidden="true" />
          1. Connect ElevenLabs
        </Link>
      </Button>
      <Button asChild variant="outline">
        <Link href="/agents">
          <BotIcon aria-hidden="true" />
          2. Add an agent
        </Link>
      </Button>
    </EmptyState>
  );
}

export default function DashboardPage() {
  const [params, setParams] = useUrlParams();
  const range = readDayRange(params);
  const agentId = params.get("agent") ?? undefined;
  const agents = useAgentOptions();
  const current = useAnalytics({ from: range.from, to: range.to, agentId });

  const noAgents = agents.data?.length === 0;

  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`${formatDate(`${range.from}T00:00:00`)} – ${formatDate(`${range.to}T00:00:00`)}`}
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
        <GetStarted />
      ) : current.isError ? (
        <ErrorState title="Could not load analytics" error={current.error} onRetry={() => void current.refetch()} />
      ) : (
        <>
          <DashboardStats current={current.data?.totals} previous={current.data?.previous} />
          <Card>
            <CardHeader>
              <CardTitle>Calls and minutes per day</CardTitle>
              <CardDescription>Days are counted in the organization's time zone, {timeZoneLabel(current.data?.range.tz)}.</CardDescription>
            </CardHeader>
            <CardContent>
              {current.data ? <LazyDailyUsageChart data={current.data.daily} /> : <Skeleton className="h-72 w-full" />}
            </CardContent>
          </Card>
          <Card className="pb-0">
            <CardHeader>
              <CardTitle>By agent</CardTitle>
              <CardDescription>
                Every call in the period, including agents that are not registered yet.{" "}
                <Link href="/history" className="font-medium text-foreground underline underline-offset-4">
                  See all calls
                </Link>
              </CardDescription>
            </CardHeader>
            <CardContent className="px-0">
              {current.data ? (
                <AgentBreakdownTable rows={current.data.byAgent} totalCalls={current.data.totals.calls} />
              ) : (
                <div className="grid gap-2 px-5 pb-5">
                  <Skeleton className="h-8 w-full" />
                  <Skeleton className="h-8 w-full" />
                </div>
              )}
            </CardContent>
          </Card>
        </>
      )}
    </>
  );
}
