import { XIcon } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { useRevokeInvitation, type Invitation } from "@/features/team/api";
import { ROLE_LABELS } from "@/features/team/components/role-label";

export function InvitationsList({ invitations, canManage }: { invitations: Invitation[]; canManage: boolean }) {
  const revoke = useRevokeInvitation();
  const now = Date.now();
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
              {canManage && (
                <TableCell className="text-right">
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
                </TableCell>
              )}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
