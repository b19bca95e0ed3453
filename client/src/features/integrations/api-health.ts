/** Ingestion health: recent deliveries and refusals, the ElevenLabs workspace webhook, test events, URL rotation. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DeliveriesPage, TestEventResult, WebhookStatus } from "@shared/ingestion-schemas";
import type { Integration, IntegrationList } from "@shared/schemas";
import { apiGet, apiPost } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

export function useDeliveries() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.deliveries(orgId),
    queryFn: ({ signal }) => apiGet<DeliveriesPage>("/api/integrations/elevenlabs/deliveries?limit=25", signal),
    refetchInterval: 15_000,
  });
}

export function useWorkspaceWebhooks(enabled: boolean) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.workspaceWebhooks(orgId),
    queryFn: ({ signal }) => apiGet<WebhookStatus>("/api/integrations/elevenlabs/webhook-status", signal),
    enabled,
    staleTime: 60_000,
  });
}

export function useSendTestEvent() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiPost<TestEventResult>("/api/integrations/elevenlabs/test-event", {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.deliveries(orgId) }),
  });
}

export function useRotateWebhookUrl() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiPost<Integration>("/api/integrations/elevenlabs/webhook-token", {}),
    onSuccess: (integration) => {
      queryClient.setQueryData<IntegrationList>(queryKeys.integrations(orgId), { data: [integration] });
      void queryClient.invalidateQueries({ queryKey: queryKeys.workspaceWebhooks(orgId) });
    },
  });
}
