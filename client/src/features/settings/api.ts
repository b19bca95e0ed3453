/** Organization settings (time zone, retention, redaction, audio, masking, digest), retention status and API tokens. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { OrganizationSettings } from "@shared/schemas";
import type { ApiTokenCreated, ApiTokenList, RetentionStatus } from "@shared/governance-schemas";
import { api, apiGet, apiPatch } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

export type SettingsPatch = Partial<Omit<OrganizationSettings, "id" | "retention" | "redaction">> & {
  retention?: Partial<OrganizationSettings["retention"]>;
  redaction?: Partial<OrganizationSettings["redaction"]>;
};

export function useOrganizationSettings() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.organization(orgId),
    queryFn: ({ signal }) => apiGet<OrganizationSettings>("/api/organization", signal),
  });
}

export function useRetentionStatus() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.retention(orgId),
    queryFn: ({ signal }) => apiGet<RetentionStatus>("/api/organization/retention", signal),
  });
}

export function useUpdateSettings() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: SettingsPatch) => apiPatch<OrganizationSettings>("/api/organization", patch),
    onSuccess: (settings) => {
      queryClient.setQueryData(queryKeys.organization(orgId), settings);
      // The time zone changes billing months, analytics days and every date shown (the user carries it);
      // retention changes what is due.
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.authUser }),
        queryClient.invalidateQueries({ queryKey: queryKeys.retention(orgId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.billing(orgId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.analytics(orgId) }),
      ]);
    },
  });
}

export function useApiTokens(enabled: boolean) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.apiTokens(orgId),
    queryFn: ({ signal }) => apiGet<ApiTokenList>("/api/tokens", signal),
    enabled,
  });
}

export function useCreateApiToken() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; expiresInDays?: number }) => api<ApiTokenCreated>("/api/tokens", { method: "POST", body: input }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiTokens(orgId) }),
  });
}

export function useRevokeApiToken() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiTokens(orgId) }),
  });
}
