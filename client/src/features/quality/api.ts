/** Voice-quality analytics for a day range, in the user's time zone (GET /api/analytics/quality). */
import { useQuery } from "@tanstack/react-query";
import type { QualityAnalytics } from "@shared/quality-schemas";
import { apiGet, withQuery } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { displayTimeZone } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";

export function useQualityAnalytics(params: { from: string; to: string; agentId?: string }) {
  const orgId = useOrgId();
  const query = { from: params.from, to: params.to, agentId: params.agentId, tz: displayTimeZone() };
  return useQuery({
    queryKey: queryKeys.quality(orgId, query),
    queryFn: ({ signal }) => apiGet<QualityAnalytics>(withQuery("/api/analytics/quality", query), signal),
    placeholderData: (previous) => previous,
    refetchInterval: 60_000,
  });
}
