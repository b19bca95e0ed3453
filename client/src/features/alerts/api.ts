/** Alert rules, channels, the firing history and the digest preview. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  AlertChannel,
  AlertChannelList,
  AlertEventPage,
  AlertRule,
  AlertRuleList,
  ChannelCreated,
  CreateChannelInput,
  CreateRuleInput,
  DeliveryOutcome,
  DigestPreview,
  PreviewRuleInput,
  RulePreview,
  UpdateRuleInput,
} from "@shared/alert-schemas";
import { apiDelete, apiGet, apiPatch, apiPost, withQuery } from "@/lib/api";
import { useCan, useOrgId } from "@/lib/auth";
import { queryKeys } from "@/lib/query-keys";

export type { AlertEvent } from "@shared/alert-schemas";
export type { AlertChannel, AlertRule, DeliveryOutcome };

export function useAlertRules(options: { refetchInterval?: number } = {}) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.alertRules(orgId),
    queryFn: ({ signal }) => apiGet<AlertRuleList>("/api/alerts/rules", signal),
    refetchInterval: options.refetchInterval ?? 30_000,
  });
}

export function useAlertChannels() {
  const orgId = useOrgId();
  const canManage = useCan("alerts:manage");
  return useQuery({
    queryKey: queryKeys.alertChannels(orgId),
    queryFn: ({ signal }) => apiGet<AlertChannelList>("/api/alerts/channels", signal),
    enabled: canManage,
  });
}

export function useAlertEvents() {
  const orgId = useOrgId();
  return useInfiniteQuery({
    queryKey: queryKeys.alertEvents(orgId),
    queryFn: ({ pageParam, signal }) =>
      apiGet<AlertEventPage>(withQuery("/api/alerts/events", { limit: 20, cursor: pageParam }), signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 30_000,
  });
}

export function useDigestPreview() {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.digestPreview(orgId),
    queryFn: ({ signal }) => apiGet<DigestPreview>("/api/digest/preview", signal),
    staleTime: 300_000,
  });
}

/** The metric's value now for the rule being edited; re-asked as the fields change (debounced by the caller). */
export function useRulePreview(input: PreviewRuleInput | null) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.alertPreview(orgId, {
      metric: input?.metric,
      windowMinutes: input?.windowMinutes,
      agentId: input?.agentId ?? undefined,
      criterionId: input?.criterionId ?? undefined,
    }),
    queryFn: () => apiPost<RulePreview>("/api/alerts/rules/preview", input),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

function useAlertMutation<TInput, TResult>(request: (input: TInput) => Promise<TResult>) {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.alerts(orgId) }),
  });
}

export function useCreateRule() {
  return useAlertMutation((input: CreateRuleInput) => apiPost<AlertRule>("/api/alerts/rules", input));
}

export function useUpdateRule() {
  return useAlertMutation(({ id, ...input }: UpdateRuleInput & { id: string }) => apiPatch<AlertRule>(`/api/alerts/rules/${encodeURIComponent(id)}`, input));
}

export function useDeleteRule() {
  return useAlertMutation((id: string) => apiDelete(`/api/alerts/rules/${encodeURIComponent(id)}`));
}

export function useCreateChannel() {
  return useAlertMutation((input: CreateChannelInput) => apiPost<ChannelCreated>("/api/alerts/channels", input));
}

export function useDeleteChannel() {
  return useAlertMutation((id: string) => apiDelete(`/api/alerts/channels/${encodeURIComponent(id)}`));
}

export function useTestChannel() {
  return useMutation({ mutationFn: (id: string) => apiPost<DeliveryOutcome>(`/api/alerts/channels/${encodeURIComponent(id)}/test`) });
}
