import {
  analytics,
  analyticsQuery,
  billingQuery,
  billingUsage,
  organizationSettings,
  updateOrganizationInput,
} from "@shared/schemas";
import { qualityAnalytics } from "@shared/quality-schemas";
import type { ApiRouter } from "./api-router";
import { getOrganizationAnalytics } from "../services/analytics/organization-analytics";
import { getQualityAnalytics } from "../services/quality/quality-analytics";
import { getBillingUsage } from "../services/billing/billing-usage";
import { getOrganizationSettings, updateOrganizationSettings } from "../services/billing/organization-settings";

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
  api.define(
    {
      method: "get",
      path: "/billing/usage",
      summary: "One month's calls, minutes, ElevenLabs credits and estimated cost, per agent and per day",
      access: "user",
      permission: "billing:read",
      query: billingQuery,
      response: billingUsage,
    },
    ({ ctx, query }) => getBillingUsage(ctx, query),
  );
  api.define(
    {
      method: "get",
      path: "/organization",
      summary: "The organization's settings",
      access: "user",
      response: organizationSettings,
    },
    ({ ctx }) => getOrganizationSettings(ctx),
  );
  api.define(
    {
      method: "patch",
      path: "/organization",
      summary:
        "Change the organization's name, price per minute, time zone, retention, redaction, audio storage, phone masking or weekly digest (owners and admins; each change audited)",
      access: "user",
      permission: "organization:manage",
      body: updateOrganizationInput,
      response: organizationSettings,
    },
    ({ ctx, body, req }) => updateOrganizationSettings(ctx, body, req.ip),
  );
}
