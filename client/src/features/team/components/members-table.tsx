import { useState } from "react";
import { KeyRoundIcon, UserMinusIcon } from "lucide-react";
import { canMakeResetLink } from "@shared/permissions";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { useCurrentUser } from "@/lib/auth";
import { formatRelative, formatDateTime } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";
import { useChangeRole, useRemoveMember, type TeamMember } from "@/features/team/api";
import { ROLE_LABELS } from "@/features/team/components/role-label";
import { RoleSelect } from "@/features/team/components/role-select";
import { ResetLinkDialog } from "@/features/team/components/reset-link-dialog";

export function MembersTable({ members, canManage }: { members: TeamMember[]; canManage: boolean }) {
  const me = useCurrentUser();
  const changeRole = useChangeRole();
  const remove = useRemoveMember();
  const [removing, setRemoving] = useState<TeamMember | null>(null);
  const [resetting, setResetting] = useState<TeamMember | null>(null);
  // Only owners hand out or take away ownership; the server enforces it too.
  const canTouch = (member: TeamMember) =>
    canManage && member.id !== me.id && (me.role === "owner" || member.role !== "owner");

  const wide = useMediaQuery(WIDE);
  const roleControl = (member: TeamMember, who: string) =>
    canTouch(member) ? (
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
    );
  const lastSignIn = (member: TeamMember) =>
    member.lastLoginAt ? (
      <time dateTime={member.lastLoginAt} title={formatDateTime(member.lastLoginAt)}>
        {formatRelative(member.lastLoginAt)}
      </time>
    ) : (
      "Never"
    );
  const removeButton = (member: TeamMember, who: string) =>
    canTouch(member) && (
      <Button variant="ghost" size="icon" aria-label={`Remove ${who}`} onClick={() => setRemoving(member)}>
        <UserMinusIcon aria-hidden="true" />
      </Button>
    );
  // A password reset link to hand over: for roles below one's own (the server enforces it too).
  const resetButton = (member: TeamMember, who: string) =>
    member.id !== me.id &&
    canMakeResetLink(me.role, member.role) && (
      <Button variant="ghost" size="icon" aria-label={`Password reset link for ${who}`} onClick={() => setResetting(member)}>
        <KeyRoundIcon aria-hidden="true" />
      </Button>
    );

  return (
    <>
      {!wide ? (
        <ul aria-label="Team members" className="divide-y">
          {members.map((member) => {
            const who = member.name || member.email;
            return (
              <li key={member.id} className="grid gap-2 px-4 py-3">
                <div className="flex items-start justify-between gap-2">
                  <div className="grid min-w-0">
                    <span className="font-medium break-words">
                      {who}
                      {member.id === me.id && (
                        <Badge variant="secondary" className="ml-2">
                          You
                        </Badge>
                      )}
                    </span>
                    {member.name && <span className="text-xs wrap-anywhere text-muted-foreground">{member.email}</span>}
                    <span className="text-xs text-muted-foreground">Last sign-in {lastSignIn(member)}</span>
                  </div>
                  {canManage && (
                    <div className="flex">
                      {resetButton(member, who)}
                      {removeButton(member, who)}
                    </div>
                  )}
                </div>
                <div>{roleControl(member, who)}</div>
              </li>
            );
          })}
        </ul>
      ) : (
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
                  <TableCell>{roleControl(member, who)}</TableCell>
                  <TableCell className="whitespace-nowrap">{lastSignIn(member)}</TableCell>
                  {canManage && (
                    <TableCell className="text-right">
                      {resetButton(member, who)}
                      {removeButton(member, who)}
                    </TableCell>
                  )}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      <ResetLinkDialog member={resetting} onClose={() => setResetting(null)} />
      <ConfirmDialog
        open={!!removing}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={<>Remove {removing?.name || removing?.email}?</>}
        description="They lose access to this organization at once. You can invite them again later."
        confirmLabel="Remove member"
        onConfirm={() => {
          if (!removing) return;
          const who = removing.name || removing.email;
          remove.mutate(removing.id, {
            onSuccess: () => toastSuccess("Member removed", `${who} no longer has access.`),
            onError: (error) => toastError("Could not remove the member", errorMessage(error)),
          });
        }}
      />
    </>
  );
}
