/** "2 firing" beside Alerts in the sidebar: the organization's rules in the firing state, refreshed every minute. */
import { useQuery } from "@tanstack/react-query";
import type { AlertRuleList } from "@shared/alert-schemas";
import { apiGet } from "@/lib/api";
import { useCan, useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

export function FiringBadge() {
  const orgId = useOrgId();
  const canRead = useCan("alerts:read");
  const rules = useQuery({
    // Same key and payload as the Alerts page: one cache entry.
    queryKey: queryKeys.alertRules(orgId),
    queryFn: ({ signal }) => apiGet<AlertRuleList>("/api/alerts/rules", signal),
    refetchInterval: 60_000,
    enabled: canRead,
  });
  const firing = rules.data?.data.filter((r) => r.enabled && r.state === "firing").length ?? 0;
  if (!firing) return null;
  return (
    <span className="ml-auto rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-900 dark:bg-red-950 dark:text-red-200" data-testid="firing-badge">
      {firing} firing
    </span>
  );
}
