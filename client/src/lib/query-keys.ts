/**
 * Every query key in one place. Tenant data starts with ["org", orgId] so that
 * signing out or switching organization can drop a whole organization at once.
 */
export type QueryFilters = Record<string, string | number | undefined>;

const org = (orgId: string) => ["org", orgId] as const;

export const queryKeys = {
  authUser: ["auth", "user"] as const,
  authProviders: ["auth", "providers"] as const,

  org,
  organization: (orgId: string) => [...org(orgId), "organization"] as const,
  retention: (orgId: string) => [...org(orgId), "organization", "retention"] as const,
  apiTokens: (orgId: string) => [...org(orgId), "tokens"] as const,
  agents: (orgId: string) => [...org(orgId), "agents"] as const,
  availableAgents: (orgId: string, search?: string) =>
    search === undefined ? ([...org(orgId), "agents-available"] as const) : ([...org(orgId), "agents-available", search] as const),
  callLogs: (orgId: string) => [...org(orgId), "calls"] as const,
  callLogList: (orgId: string, filters: QueryFilters) => [...org(orgId), "calls", "list", filters] as const,
  callLog: (orgId: string, id: string) => [...org(orgId), "calls", "detail", id] as const,
  analytics: (orgId: string, params?: QueryFilters) =>
    params ? ([...org(orgId), "analytics", params] as const) : ([...org(orgId), "analytics"] as const),
  quality: (orgId: string, params: QueryFilters) => [...org(orgId), "quality", params] as const,
  billing: (orgId: string, month?: string) =>
    month ? ([...org(orgId), "billing", month] as const) : ([...org(orgId), "billing"] as const),
  integrations: (orgId: string) => [...org(orgId), "integrations"] as const,
  deliveries: (orgId: string) => [...org(orgId), "integrations", "deliveries"] as const,
  workspaceWebhooks: (orgId: string) => [...org(orgId), "integrations", "workspace-webhooks"] as const,
  team: (orgId: string) => [...org(orgId), "team"] as const,
  audit: (orgId: string) => [...org(orgId), "team", "audit"] as const,
  alerts: (orgId: string) => [...org(orgId), "alerts"] as const,
  alertRules: (orgId: string) => [...org(orgId), "alerts", "rules"] as const,
  alertChannels: (orgId: string) => [...org(orgId), "alerts", "channels"] as const,
  alertEvents: (orgId: string) => [...org(orgId), "alerts", "events"] as const,
  alertPreview: (orgId: string, params: QueryFilters) => [...org(orgId), "alerts", "preview", params] as const,
  digestPreview: (orgId: string) => [...org(orgId), "alerts", "digest"] as const,
  // Platform-wide data, kept under the viewer's organization so sign-out clears it too.
  adminStats: (orgId: string) => [...org(orgId), "admin", "stats"] as const,
  adminOrganizations: (orgId: string, search = "") => [...org(orgId), "admin", "organizations", { search }] as const,
  adminOrganization: (orgId: string, id: string) => [...org(orgId), "admin", "organization", id] as const,
  platformAdmins: (orgId: string) => [...org(orgId), "admin", "platform-admins"] as const,
};
