import type { PlatformAdmins } from "@shared/schemas";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDate } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";

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
  const wide = useMediaQuery(WIDE);
  if (!wide)
    return (
      <ul aria-label="Platform admins" className="divide-y border-t">
        {admins.data.map((admin) => (
          <li key={admin.id} className="grid gap-1 px-4 py-3">
            <span className="font-medium wrap-anywhere">{admin.email}</span>
            <span className="text-xs text-muted-foreground">
              {[admin.name, admin.organization.name, admin.since ? `since ${formatDate(admin.since)}` : null].filter(Boolean).join(" · ")}
            </span>
            <span className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
              <Badge variant={admin.via === "granted" ? "info" : "success"}>{admin.via === "granted" ? "Granted by CLI" : "Verified email"}</Badge>
              {how(admin)}
            </span>
          </li>
        ))}
        {admins.pending.map((entry) => (
          <li key={`pending-${entry.email}`} className="grid gap-1 px-4 py-3">
            <span className="font-medium wrap-anywhere">{entry.email}</span>
            <span className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
              <Badge variant="outline">Not an admin</Badge>
              {WHY_NOT[entry.reason]}
            </span>
          </li>
        ))}
      </ul>
    );
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
