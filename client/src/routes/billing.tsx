import { CalendarX2Icon, ClockIcon, CoinsIcon, DollarSignIcon, PhoneIcon } from "lucide-react";
import { LazyDailyUsageChart } from "@/components/charts/lazy-daily-usage-chart";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { StatCard, StatCardSkeleton } from "@/components/stat-card";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useCan } from "@/lib/auth";
import { formatCurrency, formatMinutes, formatMonth, formatNumber, toIsoDay, toIsoMonth } from "@/lib/format";
import { useUrlParams } from "@/lib/url-state";
import { useBillingUsage } from "@/features/billing/api";
import { BillingAgentTable } from "@/features/billing/components/billing-agent-table";
import { MonthPicker } from "@/features/billing/components/month-picker";
import { PriceSetting } from "@/features/billing/components/price-setting";

export default function BillingPage() {
  const [params, setParams] = useUrlParams();
  const today = toIsoDay(new Date());
  const thisMonth = toIsoMonth(new Date());
  const requested = params.get("month");
  const month = requested && /^\d{4}-(0[1-9]|1[0-2])$/.test(requested) && requested <= thisMonth ? requested : thisMonth;
  const usage = useBillingUsage(month);
  const canManage = useCan("organization:manage");
  const data = usage.data;

  return (
    <>
      <PageHeader
        title="Billing"
        description={`Usage for ${formatMonth(month)}. ElevenLabs bills you in credits, directly; the estimated cost is your own price per minute times the minutes.`}
        actions={<MonthPicker month={month} max={thisMonth} onChange={(next) => setParams({ month: next === thisMonth ? null : next })} />}
      />
      {usage.isError ? (
        <ErrorState title="Could not load usage" error={usage.error} onRetry={() => void usage.refetch()} />
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4" aria-busy={usage.isFetching}>
            {data ? (
              <>
                <StatCard label="Calls" icon={<PhoneIcon aria-hidden="true" />} value={formatNumber(data.totals.calls)} />
                <StatCard label="Minutes" icon={<ClockIcon aria-hidden="true" />} value={formatMinutes(data.totals.minutes)} />
                <StatCard
                  label="ElevenLabs credits"
                  icon={<CoinsIcon aria-hidden="true" />}
                  value={formatNumber(data.totals.credits)}
                  footer="charged by ElevenLabs, billed by them"
                />
                <StatCard
                  label="Estimated cost"
                  icon={<DollarSignIcon aria-hidden="true" />}
                  value={formatCurrency(data.totals.estimatedCost)}
                  footer={`minutes × your ${formatCurrency(data.pricePerMinuteUsd, true)} per minute`}
                />
              </>
            ) : (
              Array.from({ length: 4 }, (_, i) => <StatCardSkeleton key={i} />)
            )}
          </div>
          {data && data.totals.calls === 0 ? (
            <EmptyState
              icon={<CalendarX2Icon aria-hidden="true" />}
              title={`No calls in ${formatMonth(month)}`}
              description={
                month === thisMonth
                  ? "Calls of your agents are counted here as they arrive."
                  : "None of your agents had a call this month. Pick another month above."
              }
            />
          ) : (
            <>
              <Card>
                <CardHeader>
                  <CardTitle>Daily usage</CardTitle>
                  <CardDescription>
                    Calls and minutes per day of {formatMonth(month)}
                    {month === thisMonth ? ", up to today" : ""}.
                  </CardDescription>
                </CardHeader>
                <CardContent>
                  {data ? (
                    <LazyDailyUsageChart data={data.daily} height={256} lastDay={month === thisMonth ? today : undefined} />
                  ) : (
                    <Skeleton className="h-64 w-full" />
                  )}
                </CardContent>
              </Card>
              <Card className="pb-0">
                <CardHeader>
                  <CardTitle>By agent</CardTitle>
                  <CardDescription>Credits are what ElevenLabs charged; the estimated cost uses your price per minute.</CardDescription>
                </CardHeader>
                <CardContent className="px-0">
                  {data ? (
                    <BillingAgentTable usage={data} />
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
          {canManage && data && <PriceSetting key={data.pricePerMinuteUsd} current={data.pricePerMinuteUsd} />}
        </>
      )}
    </>
  );
}
