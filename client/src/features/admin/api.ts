/** Platform-wide numbers for platform admins. */
import { useQuery } from "@tanstack/react-query";
import type { AdminOrganizationList, AdminStats } from "@shared/schemas";
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

export function useAdminOrganizations() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.adminOrganizations(orgId),
    queryFn: ({ signal }) => apiGet<AdminOrganizationList>("/api/admin/organizations", signal),
  });
}
