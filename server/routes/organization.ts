import { organizationSettings, updateOrganizationInput } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { getOrganizationSettings, updateOrganizationSettings } from "../services/organizations/organization-settings";

export function organizationRoutes(api: ApiRouter) {
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
