import { adminOrganizationDetail, adminOrganizationList, adminOrganizationsQuery, adminStats, idParam, platformAdmins } from "@shared/schemas";
import type { AppDeps } from "../deps";
import type { ApiRouter } from "./api-router";
import { getPlatformOrganization } from "../services/admin/organization-detail";
import { getPlatformStats, listPlatformOrganizations } from "../services/admin/platform-stats";
import { listPlatformAdmins } from "../services/auth/platform-admins";

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
      summary: "Every organization with its users, agents, calls and minutes; `search` matches a name or a member's email (platform administrators only)",
      access: "platformAdmin",
      query: adminOrganizationsQuery,
      response: adminOrganizationList,
    },
    async ({ query }) => ({ data: await listPlatformOrganizations(deps.db, query) }),
  );
  api.define(
    {
      method: "get",
      path: "/admin/organizations/:id",
      summary: "One organization with its members, agents, integration status, last call and last delivery (platform administrators only)",
      access: "platformAdmin",
      params: idParam,
      response: adminOrganizationDetail,
    },
    ({ params }) => getPlatformOrganization(deps.db, params.id, deps.env.platformAdminEmails),
  );
  api.define(
    {
      method: "get",
      path: "/admin/platform-admins",
      summary: "Who is a platform admin and how (granted from the shell, or a listed verified email) (platform administrators only)",
      access: "platformAdmin",
      response: platformAdmins,
    },
    () => listPlatformAdmins(deps.db, deps.env.platformAdminEmails),
  );
}
