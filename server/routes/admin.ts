import { adminOrganizationList, adminStats } from "@shared/schemas";
import type { AppDeps } from "../deps";
import type { ApiRouter } from "./api-router";
import { getPlatformStats, listPlatformOrganizations } from "../services/admin/platform-stats";

// Platform-wide reads use the owner handle (deps.db, decision 003): a tenant handle sees one organization by design.
export function adminRoutes(api: ApiRouter, deps: AppDeps) {
  api.define(
    {
      method: "get",
      path: "/admin/stats",
      summary: "Platform totals (platform administrators only)",
      access: "platformAdmin",
      response: adminStats,
    },
    () => getPlatformStats(deps.db),
  );
  api.define(
    {
      method: "get",
      path: "/admin/organizations",
      summary: "Every organization with its users, agents, calls and minutes (platform administrators only)",
      access: "platformAdmin",
      response: adminOrganizationList,
    },
    async () => ({ data: await listPlatformOrganizations(deps.db) }),
  );
}
