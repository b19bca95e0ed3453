/** The organization's agents as filter options (id and name), shared by every page with an agent filter. */
import { useQuery } from "@tanstack/react-query";
import type { AgentList } from "@shared/schemas";
import { apiGet } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

export interface AgentOption {
  id: string;
  name: string;
}

export function useAgentOptions() {
  const orgId = useOrgId();
  return useQuery({
    // Same key and payload as the Agents page: one cache entry, invalidated by agent changes.
    queryKey: queryKeys.agents(orgId),
    queryFn: ({ signal }) => apiGet<AgentList>("/api/agents", signal),
    select: (list): AgentOption[] => list.data.map((agent) => ({ id: agent.id, name: agent.name })),
  });
}
