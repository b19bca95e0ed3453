/** Agent queries and mutations. Changes to agents also touch calls and analytics (names, links). */
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { Agent, AgentList, AvailableAgentsPage, ValidatedAgent } from "@shared/schemas";
import type { SyncStatus } from "@shared/constants";
import { apiDelete, apiGet, apiPatch, apiPost, withQuery } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

const SYNC_IN_PROGRESS: ReadonlySet<SyncStatus> = new Set(["queued", "running"]);
export const isSyncing = (agent: Agent) => SYNC_IN_PROGRESS.has(agent.sync.status);

export function useAgents() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.agents(orgId),
    queryFn: ({ signal }) => apiGet<AgentList>("/api/agents", signal),
    // Poll only while a sync is under way, so the badge turns green without a reload.
    refetchInterval: (query) => (query.state.data?.data.some(isSyncing) ? 5_000 : false),
  });
}

function invalidateAgentData(queryClient: QueryClient, orgId: string) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: queryKeys.agents(orgId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.availableAgents(orgId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.callLogs(orgId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.analytics(orgId) }),
    queryClient.invalidateQueries({ queryKey: queryKeys.billing(orgId) }),
  ]);
}

export function useValidateAgent() {
  return useMutation({
    mutationFn: (elevenLabsAgentId: string) => apiPost<ValidatedAgent>("/api/agents/validate", { elevenLabsAgentId }),
  });
}

export function useCreateAgent() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { elevenLabsAgentId: string; name?: string }) => apiPost<Agent>("/api/agents", input),
    onSuccess: () => invalidateAgentData(queryClient, orgId),
  });
}

function updateAgentInList(queryClient: QueryClient, orgId: string, id: string, change: (agent: Agent) => Agent) {
  queryClient.setQueryData<AgentList>(queryKeys.agents(orgId), (list) =>
    list ? { ...list, data: list.data.map((agent) => (agent.id === id ? change(agent) : agent)) } : list,
  );
}

export function useRenameAgent() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  const key = queryKeys.agents(orgId);
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => apiPatch<Agent>(`/api/agents/${encodeURIComponent(id)}`, { name }),
    // Renaming is safe to show at once: roll back if the server refuses.
    onMutate: async ({ id, name }) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<AgentList>(key);
      updateAgentInList(queryClient, orgId, id, (agent) => ({ ...agent, name }));
      return { previous };
    },
    onError: (_error, _input, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSettled: () => invalidateAgentData(queryClient, orgId),
  });
}

export function useDeleteAgent() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiDelete(`/api/agents/${encodeURIComponent(id)}`),
    onSuccess: () => invalidateAgentData(queryClient, orgId),
  });
}

export function useSyncAgent() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiPost<unknown>(`/api/agents/${encodeURIComponent(id)}/sync`),
    onSuccess: (_result, id) => {
      // The server answers 202 and queues the job; show it as queued until the next poll.
      updateAgentInList(queryClient, orgId, id, (agent) => ({ ...agent, sync: { ...agent.sync, status: "queued", error: null } }));
      void queryClient.invalidateQueries({ queryKey: queryKeys.agents(orgId) });
    },
  });
}

/** The agents the organization's ElevenLabs key can see, page by page (the Add agent picker). */
export function useAvailableAgents(search: string, enabled: boolean) {
  const orgId = useOrgId();
  return useInfiniteQuery({
    queryKey: queryKeys.availableAgents(orgId, search),
    queryFn: ({ signal, pageParam }) =>
      apiGet<AvailableAgentsPage>(withQuery("/api/agents/available", { search: search || undefined, cursor: pageParam }), signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
    staleTime: 30_000,
  });
}

/** Adds several agents one after another (each is validated by the server), reporting progress. */
export function useAddAgents() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ ids, onProgress }: { ids: string[]; onProgress: (done: number) => void }) => {
      const added: Agent[] = [];
      const failed: Array<{ id: string; error: unknown }> = [];
      for (const [index, elevenLabsAgentId] of ids.entries()) {
        try {
          added.push(await apiPost<Agent>("/api/agents", { elevenLabsAgentId }));
        } catch (error) {
          failed.push({ id: elevenLabsAgentId, error });
        }
        onProgress(index + 1);
      }
      return { added, failed };
    },
    onSettled: () => invalidateAgentData(queryClient, orgId),
  });
}
