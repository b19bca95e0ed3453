import type { Analytics } from "@shared/schemas";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatMinutes, formatNumber, formatPercent } from "@/lib/format";

export function AgentBreakdownTable({ rows, totalCalls }: { rows: Analytics["byAgent"]; totalCalls: number }) {
  const sorted = [...rows].sort((a, b) => b.calls - a.calls);
  return (
    <Table label="Calls per agent">
      <TableHeader>
        <TableRow>
          <TableHead>Agent</TableHead>
          <TableHead className="text-right">Calls</TableHead>
          <TableHead className="text-right">Share</TableHead>
          <TableHead className="text-right">Minutes</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {sorted.map((row) => (
          <TableRow key={row.agentId ?? row.elevenLabsAgentId}>
            <TableCell className="font-medium">
              {row.name ?? <span className="text-muted-foreground">Unregistered agent</span>}
              {!row.agentId && <code className="ml-2 text-xs text-muted-foreground">{row.elevenLabsAgentId}</code>}
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(row.calls)}</TableCell>
            <TableCell className="text-right tabular-nums">{totalCalls ? formatPercent(row.calls / totalCalls) : "—"}</TableCell>
            <TableCell className="text-right tabular-nums">{formatMinutes(row.minutes)}</TableCell>
          </TableRow>
        ))}
        {sorted.length === 0 && (
          <TableRow>
            <TableCell colSpan={4} className="py-8 text-center text-muted-foreground">
              No calls in this period.
            </TableCell>
          </TableRow>
        )}
      </TableBody>
    </Table>
  );
}
