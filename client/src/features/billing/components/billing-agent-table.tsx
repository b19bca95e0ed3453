import type { BillingUsage } from "@shared/schemas";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCurrency, formatMinutes, formatNumber } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";

/** On phones: each agent's four numbers under its name, so credits and cost are not cut off. */
function UsageFigures({ calls, minutes, credits, cost }: { calls: number; minutes: number; credits: number; cost: number }) {
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
              {row.name ?? <span className="text-muted-foreground">Unregistered agent</span>}
              {!row.agentId && <code className="ml-2 text-xs text-muted-foreground">{row.elevenLabsAgentId}</code>}
            </span>
            <UsageFigures calls={row.calls} minutes={row.minutes} credits={row.credits} cost={row.estimatedCost} />
          </li>
        ))}
        {rows.length === 0 ? (
          <li className="px-4 py-8 text-center text-sm text-muted-foreground">No calls this month.</li>
        ) : (
          <li className="grid gap-1.5 bg-muted/40 px-4 py-3">
            <span className="font-medium">Total</span>
            <UsageFigures calls={usage.totals.calls} minutes={usage.totals.minutes} credits={usage.totals.credits} cost={usage.totals.estimatedCost} />
          </li>
        )}
      </ul>
    );
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
