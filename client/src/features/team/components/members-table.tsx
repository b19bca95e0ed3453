import { useState } from "react";
import { UserMinusIcon } from "lucide-react";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { useCurrentUser } from "@/lib/auth";
import { formatRelative, formatDateTime } from "@/lib/format";
import { useChangeRole, useRemoveMember, type TeamMember } from "@/features/team/api";
import { ROLE_LABELS } from "@/features/team/components/role-label";
import { RoleSelect } from "@/features/team/components/role-select";

export function MembersTable({ members, canManage }: { members: TeamMember[]; canManage: boolean }) {
  const me = useCurrentUser();
  const changeRole = useChangeRole();
  const remove = useRemoveMember();
  const [removing, setRemoving] = useState<TeamMember | null>(null);
  // Only owners hand out or take away ownership; the server enforces it too.
  const canTouch = (member: TeamMember) => canManage && member.id !== me.id && (me.role === "owner" || member.role !== "owner");

  return (
    <>
      <Table label="Team members">
        <TableHeader>
          <TableRow>
            <TableHead>Member</TableHead>
            <TableHead>Role</TableHead>
            <TableHead>Last sign-in</TableHead>
            {canManage && (
              <TableHead className="text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            )}
          </TableRow>
        </TableHeader>
        <TableBody>
          {members.map((member) => {
            const who = member.name || member.email;
            return (
              <TableRow key={member.id}>
                <TableCell>
                  <div className="grid">
                    <span className="font-medium">
                      {who}
                      {member.id === me.id && (
                        <Badge variant="secondary" className="ml-2">
                          You
                        </Badge>
                      )}
                    </span>
                    {member.name && <span className="text-xs text-muted-foreground">{member.email}</span>}
                  </div>
                </TableCell>
                <TableCell>
                  {canTouch(member) ? (
                    <RoleSelect
                      value={member.role}
                      label={`Role of ${who}`}
                      allowOwner={me.role === "owner"}
                      onChange={(role) =>
                        changeRole.mutate(
                          { id: member.id, role },
                          {
                            onSuccess: () => toastSuccess("Role changed", `${who} is now ${ROLE_LABELS[role].toLowerCase()}.`),
                            onError: (error) => toastError("Could not change the role", errorMessage(error)),
                          },
                        )
                      }
                    />
                  ) : (
                    <Badge variant="outline">{ROLE_LABELS[member.role]}</Badge>
                  )}
                </TableCell>
                <TableCell className="whitespace-nowrap">
                  {member.lastLoginAt ? (
                    <time dateTime={member.lastLoginAt} title={formatDateTime(member.lastLoginAt)}>
                      {formatRelative(member.lastLoginAt)}
                    </time>
                  ) : (
                    "Never"
                  )}
                </TableCell>
                {canManage && (
                  <TableCell className="text-right">
                    {canTouch(member) && (
                      <Button variant="ghost" size="icon" aria-label={`Remove ${who}`} onClick={() => setRemoving(member)}>
                        <UserMinusIcon aria-hidden="true" />
                      </Button>
                    )}
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <AlertDialog open={!!removing} onOpenChange={(open) => !open && setRemoving(null)}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Remove {removing?.name || removing?.email}?</AlertDialogTitle>
            <AlertDialogDescription>They lose access to this organization at once. You can invite them again later.</AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <AlertDialogAction
              destructive
              onClick={() => {
                if (!removing) return;
                const who = removing.name || removing.email;
                remove.mutate(removing.id, {
                  onSuccess: () => toastSuccess("Member removed", `${who} no longer has access.`),
                  onError: (error) => toastError("Could not remove the member", errorMessage(error)),
                });
              }}
            >
              Remove member
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </>
  );
}
