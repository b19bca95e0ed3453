/** Platform-wide numbers for platform admins. */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AdminOrganizationDetail, AdminOrganizationList, AdminStats, PlatformAdmins } from "@shared/schemas";
import { apiGet } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

export function useAdminStats() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.adminStats(orgId),
    queryFn: ({ signal }) => apiGet<AdminStats>("/api/admin/stats", signal),
  });
}

/** Every organization, or those whose name or a member's email contains `search`. */
export function useAdminOrganizations(search = "") {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.adminOrganizations(orgId, search),
    queryFn: ({ signal }) =>
      apiGet<AdminOrganizationList>(`/api/admin/organizations${search ? `?${new URLSearchParams({ search })}` : ""}`, signal),
    // Typing a search keeps the last list on screen instead of flashing a skeleton per keystroke.
    placeholderData: keepPreviousData,
  });
}

export function useAdminOrganization(id: string) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.adminOrganization(orgId, id),
    queryFn: ({ signal }) => apiGet<AdminOrganizationDetail>(`/api/admin/organizations/${encodeURIComponent(id)}`, signal),
  });
}

/** Who is a platform admin and how (granted from the shell, or a listed email once verified). */
export function usePlatformAdmins() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.platformAdmins(orgId),
    queryFn: ({ signal }) => apiGet<PlatformAdmins>("/api/admin/platform-admins", signal),
  });
}
