import type { BillingUsage } from "@shared/schemas";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCurrency, formatMinutes, formatNumber } from "@/lib/format";

export function BillingAgentTable({ usage }: { usage: BillingUsage }) {
  const rows = [...usage.byAgent].sort((a, b) => b.minutes - a.minutes);
  return (
    <Table label="Usage per agent">
      <TableHeader>
        <TableRow>
          <TableHead>Agent</TableHead>
          <TableHead className="text-right">Calls</TableHead>
          <TableHead className="text-right">Minutes</TableHead>
          <TableHead className="text-right">ElevenLabs credits</TableHead>
          <TableHead className="text-right">Estimated cost (your price)</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.agentId ?? row.elevenLabsAgentId}>
            <TableCell className="font-medium">
              {row.name ?? <span className="text-muted-foreground">Unregistered agent</span>}
              {!row.agentId && <code className="ml-2 text-xs text-muted-foreground">{row.elevenLabsAgentId}</code>}
            </TableCell>
            <TableCell className="text-right">{formatNumber(row.calls)}</TableCell>
            <TableCell className="text-right">{formatMinutes(row.minutes)}</TableCell>
            <TableCell className="text-right">{formatNumber(row.credits)}</TableCell>
            <TableCell className="text-right">{formatCurrency(row.estimatedCost)}</TableCell>
          </TableRow>
        ))}
        {rows.length === 0 && (
          <TableRow>
            <TableCell colSpan={5} className="py-8 text-center text-muted-foreground">
              No calls this month.
            </TableCell>
          </TableRow>
        )}
      </TableBody>
      {rows.length > 0 && (
        <tfoot className="border-t font-medium">
          <TableRow className="hover:bg-transparent">
            <TableCell>Total</TableCell>
            <TableCell className="text-right">{formatNumber(usage.totals.calls)}</TableCell>
            <TableCell className="text-right">{formatMinutes(usage.totals.minutes)}</TableCell>
            <TableCell className="text-right">{formatNumber(usage.totals.credits)}</TableCell>
            <TableCell className="text-right">{formatCurrency(usage.totals.estimatedCost)}</TableCell>
          </TableRow>
        </tfoot>
      )}
    </Table>
  );
}
