import { XIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";
import { useRevokeInvitation, type Invitation } from "@/features/team/api";
import { ROLE_LABELS } from "@/features/team/components/role-label";

export function InvitationsList({ invitations, canManage }: { invitations: Invitation[]; canManage: boolean }) {
  const revoke = useRevokeInvitation();
  const now = Date.now();
  const wide = useMediaQuery(WIDE);
  const revokeButton = (invitation: Invitation) => (
    <Button
      variant="ghost"
      size="sm"
      disabled={revoke.isPending && revoke.variables === invitation.id}
      onClick={() =>
        revoke.mutate(invitation.id, {
          onSuccess: () => toastSuccess("Invitation revoked", `The link sent to ${invitation.email} no longer works.`),
          onError: (error) => toastError("Could not revoke the invitation", errorMessage(error)),
        })
      }
    >
      <XIcon aria-hidden="true" />
      Revoke<span className="sr-only"> invitation for {invitation.email}</span>
    </Button>
  );
  if (!wide)
    return (
      <ul aria-label="Pending invitations" className="divide-y">
        {invitations.map((invitation) => (
          <li key={invitation.id} className="grid gap-1 px-4 py-3">
            {/* The address has the row's whole width; the action sits with the details below it. */}
            <span className="font-medium wrap-anywhere">{invitation.email}</span>
            <div className="flex items-center justify-between gap-3">
              <span className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
                <Badge variant="outline">{ROLE_LABELS[invitation.role]}</Badge>
                {Date.parse(invitation.expiresAt) < now ? (
                  <Badge variant="warning">Expired</Badge>
                ) : (
                  <>expires {formatDateTime(invitation.expiresAt)}</>
                )}
              </span>
              {canManage && revokeButton(invitation)}
            </div>
          </li>
        ))}
      </ul>
    );
  return (
    <Table label="Pending invitations">
      <TableHeader>
        <TableRow>
          <TableHead>Email</TableHead>
          <TableHead>Role</TableHead>
          <TableHead>Expires</TableHead>
          {canManage && (
            <TableHead className="text-right">
              <span className="sr-only">Actions</span>
            </TableHead>
          )}
        </TableRow>
      </TableHeader>
      <TableBody>
        {invitations.map((invitation) => {
          const expired = Date.parse(invitation.expiresAt) < now;
          return (
            <TableRow key={invitation.id}>
              <TableCell className="font-medium">{invitation.email}</TableCell>
              <TableCell>
                <Badge variant="outline">{ROLE_LABELS[invitation.role]}</Badge>
              </TableCell>
              <TableCell className="whitespace-nowrap">
                {expired ? <Badge variant="warning">Expired</Badge> : formatDateTime(invitation.expiresAt)}
              </TableCell>
              {canManage && <TableCell className="text-right">{revokeButton(invitation)}</TableCell>}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
