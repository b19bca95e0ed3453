import type { Analytics } from "@shared/schemas";
import { AgentUsageTable } from "@/components/agent-usage-table";
import { formatMinutes, formatNumber, formatPercent } from "@/lib/format";

const FIGURE = "text-right tabular-nums";

export function AgentBreakdownTable({ rows, totalCalls }: { rows: Analytics["byAgent"]; totalCalls: number }) {
  const sorted = [...rows].sort((a, b) => b.calls - a.calls);
  return (
    <AgentUsageTable
      label="Calls per agent"
      rows={sorted}
      empty="No calls in this period."
      columns={[
        { header: "Calls", className: FIGURE, cell: (row) => formatNumber(row.calls) },
        {
          header: "Share",
          className: FIGURE,
          cell: (row) => (totalCalls ? formatPercent(row.calls / totalCalls) : "—"),
        },
        { header: "Minutes", className: FIGURE, cell: (row) => formatMinutes(row.minutes) },
      ]}
    />
  );
}
