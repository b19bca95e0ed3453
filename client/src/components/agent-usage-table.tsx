/** A table of figures per agent (dashboard breakdown, billing usage): the agent's name, then one column per figure. */
import type { ReactNode } from "react";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

export type AgentUsageRow = { agentId: string | null; elevenLabsAgentId: string; name: string | null };

export type AgentUsageColumn<TRow> = {
  header: string;
  cell: (row: TRow) => ReactNode;
  /** The column's cell in the totals row, when there is one. */
  total?: ReactNode;
  className?: string;
};

/** The agent's name, or "Unregistered agent" and its ElevenLabs id for calls of an agent nobody added. */
export function AgentName({ row }: { row: AgentUsageRow }) {
  return (
    <>
      {row.name ?? <span className="text-muted-foreground">Unregistered agent</span>}
      {!row.agentId && <code className="ml-2 text-xs text-muted-foreground">{row.elevenLabsAgentId}</code>}
    </>
  );
}

export function AgentUsageTable<TRow extends AgentUsageRow>({
  label,
  rows,
  columns,
  empty,
  totals = false,
}: {
  label: string;
  rows: TRow[];
  columns: AgentUsageColumn<TRow>[];
  /** Shown when there are no rows. */
  empty: string;
  /** A footer row of each column's `total`. */
  totals?: boolean;
}) {
  return (
    <Table label={label}>
      <TableHeader>
        <TableRow>
          <TableHead>Agent</TableHead>
          {columns.map((column) => (
            <TableHead key={column.header} className="text-right">
              {column.header}
            </TableHead>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => (
          <TableRow key={row.agentId ?? row.elevenLabsAgentId}>
            <TableCell className="font-medium">
              <AgentName row={row} />
            </TableCell>
            {columns.map((column) => (
              <TableCell key={column.header} className={column.className ?? "text-right"}>
                {column.cell(row)}
              </TableCell>
            ))}
          </TableRow>
        ))}
        {rows.length === 0 && (
          <TableRow>
            <TableCell colSpan={columns.length + 1} className="py-8 text-center text-muted-foreground">
              {empty}
            </TableCell>
          </TableRow>
        )}
      </TableBody>
      {totals && rows.length > 0 && (
        <tfoot className="border-t font-medium">
          <TableRow className="hover:bg-transparent">
            <TableCell>Total</TableCell>
            {columns.map((column) => (
              <TableCell key={column.header} className={column.className ?? "text-right"}>
                {column.total}
              </TableCell>
            ))}
          </TableRow>
        </tfoot>
      )}
    </Table>
  );
}
