import { z } from "zod";
import { adminOrganization, adminStats } from "@shared/schemas";
import type { AppDeps } from "../lib/context";
import type { ApiRouter } from "../lib/http";
import { getPlatformStats, listPlatformOrganizations } from "../services/admin/platform-stats";

// Platform-wide reads use the owner connection (deps.db): the tenant handle (ctx.db) sees one organization by design.
export function adminRoutes(api: ApiRouter, _deps: AppDeps) {
  api.define(
    {
      method: "get",
      path: "/admin/stats",
      summary: "Platform totals (platform administrators only)",
      access: "platformAdmin",
      response: adminStats,
    },
    ({ ctx }) => getPlatformStats(ctx.deps.db),
  );
  api.define(
    {
      method: "get",
      path: "/admin/organizations",
      summary: "Every organization with its users, agents, calls and minutes (platform administrators only)",
      access: "platformAdmin",
      response: z.object({ data: z.array(adminOrganization) }),
    },
    async ({ ctx }) => ({ data: await listPlatformOrganizations(ctx.deps.db) }),
  );
}
