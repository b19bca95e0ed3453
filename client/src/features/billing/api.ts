/** Monthly usage and the organization's price per minute (used for estimated cost). */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { BillingUsage, OrganizationSettings } from "@shared/schemas";
import { apiGet, apiPatch, withQuery } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

export function useBillingUsage(month: string) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.billing(orgId, month),
    queryFn: ({ signal }) => apiGet<BillingUsage>(withQuery("/api/billing/usage", { month }), signal),
    placeholderData: keepPreviousData,
  });
}

export function useUpdatePricePerMinute() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (pricePerMinuteUsd: number) => apiPatch<OrganizationSettings>("/api/organization", { pricePerMinuteUsd }),
    // Estimated cost appears on the dashboard and here: both change with the price.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.billing(orgId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.analytics(orgId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.organization(orgId) }),
      ]),
  });
}
