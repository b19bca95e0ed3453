import type { PlatformAdmins } from "@shared/schemas";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDate } from "@/lib/format";

type Admin = PlatformAdmins["data"][number];
type Pending = PlatformAdmins["pending"][number];

function how(admin: Admin): string {
  if (admin.via === "granted") return "Granted from the server shell (npm run admin:grant)";
  return admin.emailVerifiedVia === "oidc" ? "Listed, email verified by single sign-on" : "Listed, email confirmed by a mailed link";
}

const WHY_NOT: Record<Pending["reason"], string> = {
  no_account: "No account with this email yet",
  email_not_verified: "Email not verified yet",
  revoked: "Revoked from the server shell (npm run admin:revoke)",
};

/** Who is a platform admin and how; PLATFORM_ADMIN_EMAILS addresses that are not one yet, and why. */
export function PlatformAdminsTable({ admins }: { admins: PlatformAdmins }) {
  return (
    <Table label="Platform admins">
      <TableHeader>
        <TableRow>
          <TableHead>Email</TableHead>
          <TableHead>Organization</TableHead>
          <TableHead>How</TableHead>
          <TableHead>Since</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {admins.data.map((admin) => (
          <TableRow key={admin.id}>
            <TableCell className="font-medium">
              {admin.email}
              {admin.name ? <span className="text-muted-foreground block text-xs">{admin.name}</span> : null}
            </TableCell>
            <TableCell>{admin.organization.name}</TableCell>
            <TableCell>
              <Badge variant={admin.via === "granted" ? "info" : "success"}>{admin.via === "granted" ? "Granted by CLI" : "Verified email"}</Badge>
              <span className="text-muted-foreground block text-xs">{how(admin)}</span>
            </TableCell>
            <TableCell className="whitespace-nowrap">{admin.since ? formatDate(admin.since) : "—"}</TableCell>
          </TableRow>
        ))}
        {admins.pending.map((entry) => (
          <TableRow key={`pending-${entry.email}`}>
            <TableCell className="font-medium">{entry.email}</TableCell>
            <TableCell>—</TableCell>
            <TableCell>
              <Badge variant="outline">Not an admin</Badge>
              <span className="text-muted-foreground block text-xs">{WHY_NOT[entry.reason]}</span>
            </TableCell>
            <TableCell>—</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
