/** Team members, invitations and the audit log. */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Role } from "@shared/permissions";
import type { AuditLogPage, InvitationCreated, MemberPasswordReset, TeamMembers } from "@shared/schemas";
import { apiDelete, apiGet, apiPatch, apiPost, withQuery } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

export type TeamMember = TeamMembers["data"][number];
export type Invitation = TeamMembers["invitations"][number];
export type { AuditLogEntry } from "@shared/schemas";

export function useTeam() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.team(orgId),
    queryFn: ({ signal }) => apiGet<TeamMembers>("/api/team/members", signal),
  });
}

function useTeamMutation<TInput, TResult>(request: (input: TInput) => Promise<TResult>) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.team(orgId) }),
  });
}

export function useInvite() {
  return useTeamMutation((input: { email: string; role: Role }) => apiPost<InvitationCreated>("/api/team/invitations", input));
}

export function useRevokeInvitation() {
  return useTeamMutation((id: string) => apiDelete(`/api/team/invitations/${encodeURIComponent(id)}`));
}

export function useChangeRole() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const key = queryKeys.team(orgId);
  return useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) => apiPatch<unknown>(`/api/team/members/${encodeURIComponent(id)}`, { role }),
    // The select shows the new role at once; a refusal (the last owner) rolls it back.
    onMutate: async ({ id, role }) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<TeamMembers>(key);
      if (previous) queryClient.setQueryData<TeamMembers>(key, { ...previous, data: previous.data.map((m) => (m.id === id ? { ...m, role } : m)) });
      return { previous };
    },
    onError: (_error, _input, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useRemoveMember() {
  return useTeamMutation((id: string) => apiDelete(`/api/team/members/${encodeURIComponent(id)}`));
}

export interface AuditLogFilters {
  /** A kind of action ("agent") or one action ("agent.created"). */
  action?: string;
  actorUserId?: string;
}

export function useAuditLog(filters: AuditLogFilters = {}) {
  const orgId = useOrgId();
  return useInfiniteQuery({
    queryKey: [...queryKeys.audit(orgId), filters],
    queryFn: ({ signal, pageParam }) =>
      apiGet<AuditLogPage>(withQuery("/api/team/audit-log", { limit: 25, cursor: pageParam, ...filters }), signal),
    placeholderData: (previous) => previous,
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** A password reset link for a member of a lower role, to hand over in person (valid one hour, once). */
export function useMemberResetLink() {
  return useMutation({
    mutationFn: (id: string) => apiPost<MemberPasswordReset>(`/api/team/members/${encodeURIComponent(id)}/password-reset`),
  });
}
