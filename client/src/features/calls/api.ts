/** Call history: one page of calls per cursor, one call in detail, and the CSV export link. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CallLogCount, CallLogDetail, CallLogPage } from "@shared/schemas";
import { apiDelete, apiGet, withQuery } from "@/lib/api";
import { useOrgId } from "@/lib/auth";
import { displayTimeZone } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";

export interface CallFilters {
  agentId?: string;
  from?: string;
  to?: string;
  status?: string;
  success?: string;
  q?: string;
  minDuration?: number;
  maxDuration?: number;
  terminationReason?: string;
  language?: string;
  direction?: string;
  versionId?: string;
  toolError?: string;
  minRating?: number;
  criterion?: string;
  phone?: string;
}

export const PAGE_SIZE = 25;
/** New calls show up on the first page without a reload. */
const FIRST_PAGE_REFRESH_MS = 5_000;

function apiQuery(filters: CallFilters) {
  // Dates are whole days in the organization's time zone.
  return { ...filters, tz: filters.from || filters.to ? displayTimeZone() : undefined };
}

export function useCallLogPage(filters: CallFilters, cursor: string | undefined) {
  const orgId = useOrgId();
  const query = { ...apiQuery(filters), limit: PAGE_SIZE, cursor };
  return useQuery({
    queryKey: queryKeys.callLogList(orgId, query),
    queryFn: ({ signal }) => apiGet<CallLogPage>(withQuery("/api/call-logs", query), signal),
    placeholderData: keepPreviousData,
    refetchInterval: cursor ? false : FIRST_PAGE_REFRESH_MS,
  });
}

export function useCallLog(id: string | undefined) {
  const orgId = useOrgId();
  return useQuery({
    queryKey: queryKeys.callLog(orgId, id ?? ""),
    queryFn: ({ signal }) => apiGet<CallLogDetail>(`/api/call-logs/${encodeURIComponent(id ?? "")}`, signal),
    enabled: !!id,
  });
}

/** The exact number of calls the filters match (History's total). */
export function useCallLogCount(filters: CallFilters) {
  const orgId = useOrgId();
  const query = apiQuery(filters);
  return useQuery({
    queryKey: [...queryKeys.callLogList(orgId, query), "count"],
    queryFn: ({ signal }) => apiGet<CallLogCount>(withQuery("/api/call-logs/count", query), signal),
    placeholderData: keepPreviousData,
    refetchInterval: FIRST_PAGE_REFRESH_MS * 6,
  });
}

export function callExportUrl(filters: CallFilters): string {
  return withQuery("/api/call-logs/export.csv", apiQuery(filters));
}

export function callAudioUrl(id: string): string {
  return `/api/call-logs/${encodeURIComponent(id)}/audio`;
}

/** Deletes a call with its recording and raw events (admins); usage totals keep counting it. */
export function useDeleteCallLog() {
  const orgId = useOrgId();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiDelete(`/api/call-logs/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.callLogs(orgId) }),
  });
}
