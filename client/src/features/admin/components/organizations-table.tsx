import type { AdminOrganization } from "@shared/schemas";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDate, formatMinutes, formatNumber } from "@/lib/format";

export function OrganizationsTable({ organizations }: { organizations: AdminOrganization[] }) {
  return (
    <Table label="Organizations">
      <TableHeader>
        <TableRow>
          <TableHead>Organization</TableHead>
          <TableHead className="text-right">Users</TableHead>
          <TableHead className="text-right">Agents</TableHead>
          <TableHead className="text-right">Calls</TableHead>
          <TableHead className="text-right">Minutes</TableHead>
          <TableHead>Created</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {organizations.map((org) => (
          <TableRow key={org.id}>
            <TableCell className="font-medium">{org.name}</TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(org.users)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(org.agents)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(org.calls)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatMinutes(org.minutes)}</TableCell>
            <TableCell className="whitespace-nowrap">{formatDate(org.createdAt)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
