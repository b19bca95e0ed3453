import { analytics, analyticsQuery } from "@shared/schemas";
import { qualityAnalytics } from "@shared/quality-schemas";
import type { ApiRouter } from "./api-router";
import { getOrganizationAnalytics } from "../services/analytics/organization-analytics";
import { getQualityAnalytics } from "../services/quality/quality-analytics";

export function analyticsRoutes(api: ApiRouter) {
  api.define(
    {
      method: "get",
      path: "/analytics/organization",
      summary: "Totals, success rate, daily series (zero-filled, in `tz`), per-agent breakdown and the previous period",
      access: "user",
      permission: "calls:read",
      query: analyticsQuery,
      response: analytics,
    },
    ({ ctx, query }) => getOrganizationAnalytics(ctx, query),
  );
  api.define(
    {
      method: "get",
      path: "/analytics/quality",
      summary: "Latency percentiles, evaluation pass rates, termination reasons, durations, tools, versions and agents (in `tz`)",
      access: "user",
      permission: "calls:read",
      query: analyticsQuery,
      response: qualityAnalytics,
    },
    ({ ctx, query }) => getQualityAnalytics(ctx, query),
  );
}
