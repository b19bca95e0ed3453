import { billingQuery, billingUsage } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { getBillingUsage } from "../services/billing/billing-usage";

export function billingRoutes(api: ApiRouter) {
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
}
