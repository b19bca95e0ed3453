/** Organization analytics for a day range, in the organization's time zone. */
import { useQuery } from "@tanstack/react-query";
import type { Analytics } from "@shared/schemas";
import { apiGet, withQuery } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { displayTimeZone } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";

export interface AnalyticsParams {
  from: string;
  to: string;
  agentId?: string;
}

/** `live` refreshes every minute (the current period); a past period does not change. */
export function useAnalytics(params: AnalyticsParams, { live = true }: { live?: boolean } = {}) {
  const orgId = useOrgId();
  const query = { from: params.from, to: params.to, agentId: params.agentId, tz: displayTimeZone() };
  return useQuery({
    queryKey: queryKeys.analytics(orgId, query),
    queryFn: ({ signal }) => apiGet<Analytics>(withQuery("/api/analytics/organization", query), signal),
    placeholderData: (previous) => previous,
    refetchInterval: live ? 60_000 : false,
  });
}
