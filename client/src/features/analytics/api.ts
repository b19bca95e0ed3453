/** Organization analytics for a day range, in the user's time zone. */
import { useQuery } from "@tanstack/react-query";
import type { Analytics } from "@shared/schemas";
import { apiGet, withQuery } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { browserTimeZone } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";

export interface AnalyticsParams {
  from: string;
  to: string;
  agentId?: string;
}

export function useAnalytics(params: AnalyticsParams) {
  const orgId = useOrgId();
  const query = { from: params.from, to: params.to, agentId: params.agentId, tz: browserTimeZone() };
  return useQuery({
    queryKey: queryKeys.analytics(orgId, query),
    queryFn: ({ signal }) => apiGet<Analytics>(withQuery("/api/analytics/organization", query), signal),
    placeholderData: (previous) => previous,
    refetchInterval: 60_000,
  });
}
