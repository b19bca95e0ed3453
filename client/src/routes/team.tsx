import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useCan, useCurrentUser } from "@/lib/auth";
import { useTeam } from "@/features/team/api";
import { AuditLog } from "@/features/team/components/audit-log";
import { InvitationsList } from "@/features/team/components/invitations-list";
import { InviteDialog } from "@/features/team/components/invite-dialog";
import { MembersTable } from "@/features/team/components/members-table";

export default function TeamPage() {
  const user = useCurrentUser();
  const canManage = useCan("team:manage");
  const canReadAudit = useCan("audit:read");
  const team = useTeam();

  return (
    <>
      <PageHeader
        title="Team"
        description={`People with access to ${user.organization.name}.`}
        actions={canManage ? <InviteDialog /> : undefined}
      />
      {team.isError ? (
        <ErrorState title="Could not load the team" error={team.error} onRetry={() => void team.refetch()} />
      ) : (
        <>
          <Card className="pb-0">
            <CardHeader>
              <CardTitle>Members</CardTitle>
              <CardDescription>Owners and admins manage agents, the ElevenLabs key and the team; members can sync; viewers read.</CardDescription>
            </CardHeader>
            <CardContent className="px-0">
              {team.data ? (
                <MembersTable members={team.data.data} canManage={canManage} />
              ) : (
                <div className="grid gap-2 px-5 pb-5" aria-busy="true">
                  <Skeleton className="h-10 w-full" />
                  <Skeleton className="h-10 w-full" />
                </div>
              )}
            </CardContent>
          </Card>
          {team.data && team.data.invitations.length > 0 && (
            <Card className="pb-0">
              <CardHeader>
                <CardTitle>Pending invitations</CardTitle>
                <CardDescription>Links that have not been used yet.</CardDescription>
              </CardHeader>
              <CardContent className="px-0">
                <InvitationsList invitations={team.data.invitations} canManage={canManage} />
              </CardContent>
            </Card>
          )}
        </>
      )}
      {canReadAudit && (
        <Card>
          <CardHeader>
            <CardTitle>Audit log</CardTitle>
            <CardDescription>Who did what, newest first.</CardDescription>
          </CardHeader>
          <CardContent className="px-0">
            <AuditLog members={team.data?.data ?? []} />
          </CardContent>
        </Card>
      )}
    </>
  );
}
