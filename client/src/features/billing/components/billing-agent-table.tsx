import type { BillingUsage } from "@shared/schemas";
import { AgentName, AgentUsageTable } from "@/components/agent-usage-table";
import { formatCurrency, formatMinutes, formatNumber } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";

/** On phones: each agent's four numbers under its name, so credits and cost are not cut off. */
function UsageFigures({
  calls,
  minutes,
  credits,
  cost,
}: {
  calls: number;
  minutes: number;
  credits: number;
  cost: number;
}) {
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-0.5 text-sm">
      <div className="flex justify-between gap-2">
        <dt className="text-muted-foreground">Calls</dt>
        <dd className="figure">{formatNumber(calls)}</dd>
      </div>
      <div className="flex justify-between gap-2">
        <dt className="text-muted-foreground">Minutes</dt>
        <dd className="figure">{formatMinutes(minutes)}</dd>
      </div>
      <div className="flex justify-between gap-2">
        <dt className="text-muted-foreground">Credits</dt>
        <dd className="figure">{formatNumber(credits)}</dd>
      </div>
      <div className="flex justify-between gap-2">
        <dt className="text-muted-foreground">Est. cost</dt>
        <dd className="figure">{formatCurrency(cost)}</dd>
      </div>
    </dl>
  );
}

export function BillingAgentTable({ usage }: { usage: BillingUsage }) {
  const rows = [...usage.byAgent].sort((a, b) => b.minutes - a.minutes);
  const wide = useMediaQuery(WIDE);
  if (!wide)
    return (
      <ul aria-label="Usage per agent" className="divide-y border-t">
        {rows.map((row) => (
          <li key={row.agentId ?? row.elevenLabsAgentId} className="grid gap-1.5 px-4 py-3">
            <span className="font-medium wrap-anywhere">
              <AgentName row={row} />
            </span>
            <UsageFigures calls={row.calls} minutes={row.minutes} credits={row.credits} cost={row.estimatedCost} />
          </li>
        ))}
        {rows.length === 0 ? (
          <li className="px-4 py-8 text-center text-sm text-muted-foreground">No calls this month.</li>
        ) : (
          <li className="grid gap-1.5 bg-muted/40 px-4 py-3">
            <span className="font-medium">Total</span>
            <UsageFigures
              calls={usage.totals.calls}
              minutes={usage.totals.minutes}
              credits={usage.totals.credits}
              cost={usage.totals.estimatedCost}
            />
          </li>
        )}
      </ul>
    );
  return (
    <AgentUsageTable
      label="Usage per agent"
      rows={rows}
      empty="No calls this month."
      totals
      columns={[
        { header: "Calls", cell: (row) => formatNumber(row.calls), total: formatNumber(usage.totals.calls) },
        { header: "Minutes", cell: (row) => formatMinutes(row.minutes), total: formatMinutes(usage.totals.minutes) },
        {
          header: "ElevenLabs credits",
          cell: (row) => formatNumber(row.credits),
          total: formatNumber(usage.totals.credits),
        },
        {
          header: "Estimated cost (your price)",
          cell: (row) => formatCurrency(row.estimatedCost),
          total: formatCurrency(usage.totals.estimatedCost),
        },
      ]}
    />
  );
}
