/** ElevenLabs integration: read the status, save the key or webhook secret, test, remove. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Integration, IntegrationList, SaveIntegrationInput } from "@shared/schemas";
import { apiDelete, apiGet, apiPost } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";


export function useElevenLabsIntegration() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.integrations(orgId),
    queryFn: ({ signal }) => apiGet<IntegrationList>("/api/integrations", signal),
    select: (list) => list.data.find((integration) => integration.provider === "elevenlabs") ?? null,
  });
}

/** Every change answers the fresh Integration: put it in the cache instead of refetching. */
function useIntegrationMutation<TInput>(request: (input: TInput) => Promise<Integration>) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: (integration) => {
      queryClient.setQueryData<IntegrationList>(queryKeys.integrations(orgId), { data: [integration] });
      // Agents can be validated (or fail) differently once the key changed.
      void queryClient.invalidateQueries({ queryKey: queryKeys.agents(orgId) });
    },
  });
}

export function useSaveIntegration() {
  return useIntegrationMutation((input: SaveIntegrationInput) =>
    apiPost<Integration>("/api/integrations", { provider: "elevenlabs", ...input }),
  );
}

export function useTestIntegration() {
  return useIntegrationMutation(() => apiPost<Integration>("/api/integrations/test", { provider: "elevenlabs" }));
}

export function useRemoveIntegration() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiDelete("/api/integrations/elevenlabs"),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.integrations(orgId) }),
  });
}
