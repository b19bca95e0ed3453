import { Link } from "wouter";
import type { AdminOrganization } from "@shared/schemas";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDate, formatMinutes, formatNumber } from "@/lib/format";

export const organizationPath = (id: string) => `/admin/organizations/${encodeURIComponent(id)}`;

/** Every organization: a table from tablet width up, rows with the essentials on phones. Names open the organization. */
export function OrganizationsTable({ organizations }: { organizations: AdminOrganization[] }) {
  return (
    <>
      <div className="hidden md:block">
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
                <TableCell className="font-medium">
                  <Link href={organizationPath(org.id)} className="underline-offset-4 hover:underline">
                    {org.name}
                  </Link>
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatNumber(org.users)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatNumber(org.agents)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatNumber(org.calls)}</TableCell>
                <TableCell className="text-right tabular-nums whitespace-nowrap">{formatMinutes(org.minutes)}</TableCell>
                <TableCell className="whitespace-nowrap">{formatDate(org.createdAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <ul aria-label="Organizations" className="divide-y border-t md:hidden">
        {organizations.map((org) => (
          <li key={org.id} className="grid gap-0.5 px-4 py-3">
            <Link href={organizationPath(org.id)} className="font-medium break-words underline underline-offset-4">
              {org.name}
            </Link>
            <p className="text-xs text-muted-foreground">
              <span className="figure">{formatNumber(org.users)}</span> {org.users === 1 ? "user" : "users"} ·{" "}
              <span className="figure">{formatNumber(org.agents)}</span> {org.agents === 1 ? "agent" : "agents"} ·{" "}
              <span className="figure">{formatNumber(org.calls)}</span> {org.calls === 1 ? "call" : "calls"} ·{" "}
              <span className="figure">{formatMinutes(org.minutes)}</span> · since {formatDate(org.createdAt)}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
