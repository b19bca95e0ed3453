/** The API contract: request and response shapes shared by client and server. */
import { z } from "zod";
import { governanceSettings, governanceSettingsPatch } from "./governance-schemas";
import { ROLES } from "./permissions";
import { CALL_STATUSES, CALL_SUCCESS, ELEVENLABS_ID_PATTERN, INTEGRATION_STATUSES, SYNC_STATUSES } from "./constants";
import { apiMonth, dateBound, isoDateTime } from "./dates";

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

// ---- auth
export const email = z.string().trim().toLowerCase().max(254).email("Enter a valid email address");
export const registerInput = z.object({
  email,
  password: z.string().min(10, "Use at least 10 characters").max(200),
  name: z.string().trim().max(120).optional(),
  organizationName: z.string().trim().max(120).optional(),
  inviteToken: z.string().max(200).optional(),
});
export type RegisterInput = z.infer<typeof registerInput>;

export const loginInput = z.object({
  email,
  password: z.string().min(1, "Enter your password").max(200),
});
export type LoginInput = z.infer<typeof loginInput>;

export const role = z.enum(ROLES);
export const user = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role,
  isPlatformAdmin: z.boolean(),
  /** The current email was confirmed (a mailed link) or vouched for by the SSO provider (DESIGN §12). */
  emailVerified: z.boolean(),
  /** `timeZone`: the organization's IANA zone (DESIGN.md §11): the pages count days and show times in it. */
  organization: z.object({ id: z.string(), name: z.string(), timeZone: z.string() }),
});
export type User = z.infer<typeof user>;

export const authProviders = z.object({
  password: z.boolean(),
  oidc: z.boolean(),
  devLogin: z.boolean(),
  /** SMTP_URL is set: confirmation and reset links are mailed (DESIGN §12). */
  emailConfirmation: z.boolean(),
});
export type AuthProviders = z.infer<typeof authProviders>;

// ---- account links (DESIGN §12): tokens travel in bodies, never in a logged URL
const accountToken = z.string().min(1).max(200);
export const passwordResetRequestInput = z.object({ email });
export const passwordResetInput = z.object({ token: accountToken, password: registerInput.shape.password });
export const confirmEmailInput = z.object({ token: accountToken });
export const changeEmailInput = z.object({ email, password: z.string().min(1, "Enter your current password").max(200) });
export type ChangeEmailInput = z.infer<typeof changeEmailInput>;
export const memberPasswordReset = z.object({ resetUrl: z.string(), expiresAt: isoDateTime });
export type MemberPasswordReset = z.infer<typeof memberPasswordReset>;

// ---- integrations
export const integration = z.object({
  provider: z.literal("elevenlabs"),
  status: z.enum(INTEGRATION_STATUSES),
  keyHint: z.string().nullable(),
  lastTestedAt: isoDateTime.nullable(),
  lastError: z.string().nullable(),
  webhook: z.object({ url: z.string(), secretConfigured: z.boolean() }),
});
export type Integration = z.infer<typeof integration>;
export const integrationList = z.object({ data: z.array(integration) });
export type IntegrationList = z.infer<typeof integrationList>;

export const saveIntegrationInput = z.object({
  provider: z.literal("elevenlabs"),
  apiKey: z.string().trim().min(1).max(512).optional(),
  webhookSecret: z.string().trim().min(1).max(512).optional(),
});
export const testIntegrationInput = z.object({ provider: z.literal("elevenlabs") });
export type SaveIntegrationInput = Omit<z.input<typeof saveIntegrationInput>, "provider">;

// ---- agents
export const elevenLabsAgentId = z
  .string()
  .regex(ELEVENLABS_ID_PATTERN, "Agent ids are 1-128 letters, digits, '-' or '_'");
export const validateAgentInput = z.object({ elevenLabsAgentId });
export const validatedAgent = z.object({ elevenLabsAgentId: z.string(), name: z.string() });
export type ValidatedAgent = z.infer<typeof validatedAgent>;
export const createAgentInput = z.object({ elevenLabsAgentId, name: z.string().trim().min(1).max(200).optional() });
export const updateAgentInput = z.object({ name: z.string().trim().min(1).max(200) });
export const agent = z.object({
  id: z.string(),
  elevenLabsAgentId: z.string(),
  name: z.string(),
  createdAt: isoDateTime,
  callsToday: z.number(),
  totalCalls: z.number(),
  lastCallAt: isoDateTime.nullable(),
  /** All the agent's calls: minutes (seconds / 60), ElevenLabs credits, and success ÷ (success + failure). */
  minutes: z.number(),
  credits: z.number(),
  successRate: z.number().nullable(),
  sync: z.object({ status: z.enum(SYNC_STATUSES), lastSyncedAt: isoDateTime.nullable(), error: z.string().nullable() }),
});
export type Agent = z.infer<typeof agent>;
export const agentList = z.object({ data: z.array(agent) });
export type AgentList = z.infer<typeof agentList>;
export const syncQueued = z.object({ queued: z.boolean() });
/** GET /api/agents/available: the agents the organization's key can see in ElevenLabs (DESIGN §14). */
export const availableAgentsQuery = z.object({
  search: z.string().trim().max(200).optional(),
  cursor: z.string().max(500).optional(),
});
export const availableAgent = z.object({ elevenLabsAgentId: z.string(), name: z.string(), registered: z.boolean() });
export type AvailableAgent = z.infer<typeof availableAgent>;
export const availableAgentsPage = z.object({ data: z.array(availableAgent), nextCursor: z.string().nullable() });
export type AvailableAgentsPage = z.infer<typeof availableAgentsPage>;

// ---- calls
const intFromQuery = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
export const uuid = z.string().uuid();

export const callLogFilters = z.object({
  agentId: uuid.optional(),
  from: dateBound.optional(),
  to: dateBound.optional(),
  tz: z.string().max(64).optional(),
  status: z.enum(CALL_STATUSES).optional(),
  success: z.enum(["true", "false", "unknown"]).optional(),
  q: z.string().trim().max(200).optional(),
  minDuration: intFromQuery(0, 10_000_000).optional(),
  maxDuration: intFromQuery(0, 10_000_000).optional(),
  // DESIGN.md §9
  terminationReason: z.string().trim().min(1).max(1000).optional(),
  language: z.string().trim().min(1).max(20).optional(),
  direction: z.enum(["inbound", "outbound"]).optional(),
  versionId: z.string().trim().min(1).max(200).optional(),
  toolError: z.enum(["true"]).optional(),
  minRating: intFromQuery(1, 5).optional(),
  criterion: z
    .string()
    .max(260)
    .regex(/^[^:]{1,200}:(success|failure)$/, "Use <criterionId>:success or <criterionId>:failure")
    .optional(),
  /** E.164; a "+" sent unencoded arrives as a space (query-string rules), and is taken for the "+". */
  phone: z
    .string()
    .regex(/^[+ ]?[1-9][0-9]{2,19}$/, "Use an E.164 number, like +441234567890")
    .optional(),
});
export type CallLogFilters = z.infer<typeof callLogFilters>;
export const listCallLogsQuery = callLogFilters.extend({
  limit: intFromQuery(1, 100).default(25),
  cursor: z.string().max(200).optional(),
});
export type ListCallLogsQuery = z.infer<typeof listCallLogsQuery>;
export const callLogCount = z.object({ count: z.number() });
export type CallLogCount = z.infer<typeof callLogCount>;

export const callLogSummary = z.object({
  id: z.string(),
  conversationId: z.string(),
  agentId: z.string().nullable(),
  elevenLabsAgentId: z.string(),
  agentName: z.string().nullable(),
  status: z.string(),
  startedAt: isoDateTime.nullable(),
  durationSeconds: z.number().nullable(),
  callSuccessful: z.enum(CALL_SUCCESS).nullable(),
  summaryTitle: z.string().nullable(),
  costCredits: z.number().nullable(),
  hasAudio: z.boolean(),
  terminationReason: z.string().nullable(),
  direction: z.enum(["inbound", "outbound"]).nullable(),
  /** Masked for viewers (DESIGN.md §9). */
  externalNumber: z.string().nullable(),
  /** Evaluation results; `total` counts every result, `unknown` included. Null when the call was not evaluated. */
  criteria: z.object({ passed: z.number(), failed: z.number(), total: z.number() }).nullable(),
  rating: z.number().nullable(),
  hasToolError: z.boolean().nullable(),
  /** With a search (`q`): where it matched, as text pieces, the matching words marked. Null otherwise. */
  snippet: z.array(z.object({ text: z.string(), match: z.boolean() })).nullable(),
});
export type CallLogSummary = z.infer<typeof callLogSummary>;
export const callLogPage = z.object({ data: z.array(callLogSummary), nextCursor: z.string().nullable() });
export type CallLogPage = z.infer<typeof callLogPage>;
export const turnMetrics = z.object({
  llmTtfbMs: z.number().nullable(),
  llmTtfSentenceMs: z.number().nullable(),
  ttsTtfbMs: z.number().nullable(),
  asrLatencyMs: z.number().nullable(),
});
export const transcriptTurn = z.object({
  role: z.string(),
  message: z.string().nullable(),
  timeInCallSecs: z.number().nullable(),
  interrupted: z.boolean().nullable(),
  toolCalls: z.array(z.object({ name: z.string(), params: z.unknown() })),
  toolResults: z.array(z.object({ name: z.string(), result: z.string().nullable(), isError: z.boolean(), latencyMs: z.number().nullable() })),
  metrics: turnMetrics,
  llmUsage: z.unknown().nullable(),
});
export type TranscriptTurn = z.infer<typeof transcriptTurn>;
export const callLogDetail = callLogSummary.extend({
  transcript: z.array(transcriptTurn),
  summary: z.string().nullable(),
  analysis: z.unknown().nullable(),
  metadata: z.unknown().nullable(),
  agentNumber: z.string().nullable(),
  language: z.string().nullable(),
  feedback: z.object({ rating: z.number().nullable(), comment: z.string().nullable() }),
  /** ElevenLabs credits of the call: the call itself and the LLM; `llmPrice` is ElevenLabs' price of the LLM part. */
  charging: z.object({ callCredits: z.number().nullable(), llmCredits: z.number().nullable(), llmPrice: z.number().nullable() }),
  versionId: z.string().nullable(),
  branchId: z.string().nullable(),
  /** Medians over the call's turns. */
  latency: z.object({ llmTtfbMsP50: z.number().nullable(), ttsTtfbMsP50: z.number().nullable() }),
});
export type CallLogDetail = z.infer<typeof callLogDetail>;

// ---- analytics and billing
export const analyticsQuery = z.object({
  from: dateBound.optional(),
  to: dateBound.optional(),
  agentId: uuid.optional(),
  tz: z.string().max(64).optional(),
});
export const dailyPoint = z.object({ date: z.string(), calls: z.number(), minutes: z.number() });
export const analyticsTotals = z.object({
  calls: z.number(),
  minutes: z.number(),
  estimatedCost: z.number(),
  /** ElevenLabs credits (the calls' `metadata.cost`), summed exactly. */
  credits: z.number(),
  successRate: z.number().nullable(),
  avgDurationSeconds: z.number().nullable(),
});
export type AnalyticsTotals = z.infer<typeof analyticsTotals>;
export const analytics = z.object({
  /** The resolved range: local days in `tz`, both included, and the instants [fromAt, toAt). */
  range: z.object({ from: z.string(), to: z.string(), tz: z.string(), fromAt: isoDateTime, toAt: isoDateTime }),
  totals: analyticsTotals,
  /** The same totals over the period of equal length just before `range` (for "change vs previous period"). */
  previous: analyticsTotals,
  daily: z.array(dailyPoint),
  byAgent: z.array(
    z.object({ agentId: z.string().nullable(), elevenLabsAgentId: z.string(), name: z.string().nullable(), calls: z.number(), minutes: z.number() }),
  ),
});
export type Analytics = z.infer<typeof analytics>;

export const billingQuery = z.object({
  month: apiMonth.optional(),
  /** IANA time zone the month's days are counted in; default UTC. */
  tz: z.string().max(64).optional(),
});
export const billingUsage = z.object({
  month: z.string(),
  pricePerMinuteUsd: z.number(),
  totals: z.object({ calls: z.number(), minutes: z.number(), credits: z.number(), estimatedCost: z.number() }),
  byAgent: z.array(
    z.object({
      agentId: z.string().nullable(),
      elevenLabsAgentId: z.string(),
      name: z.string().nullable(),
      calls: z.number(),
      minutes: z.number(),
      credits: z.number(),
      estimatedCost: z.number(),
    }),
  ),
  daily: z.array(z.object({ date: z.string(), calls: z.number(), minutes: z.number(), credits: z.number() })),
});
export type BillingUsage = z.infer<typeof billingUsage>;

export const organizationSettings = z.object({
  id: z.string(),
  name: z.string(),
  pricePerMinuteUsd: z.number(),
  ...governanceSettings.shape,
});
export type OrganizationSettings = z.infer<typeof organizationSettings>;
export const updateOrganizationInput = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    pricePerMinuteUsd: z.number().min(0).max(1000).optional(),
  })
  .extend(governanceSettingsPatch.shape)
  .strict();

// ---- team
export const teamMember = z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role, lastLoginAt: isoDateTime.nullable() });
export const invitation = z.object({ id: z.string(), email: z.string(), role, expiresAt: isoDateTime, createdAt: isoDateTime });
export const teamMembers = z.object({ data: z.array(teamMember), invitations: z.array(invitation) });
export type TeamMembers = z.infer<typeof teamMembers>;
export const createInvitationInput = z.object({ email, role });
export const updateMemberInput = z.object({ role });
export const invitationCreated = z.object({ inviteUrl: z.string(), invitation });
/** POST /api/auth/invitations/preview: the token in the body (never in a logged URL). */
export const invitationPreviewInput = z.object({ token: z.string().min(1).max(200) });
export const invitationPreview = z.object({ email: z.string(), role, organizationName: z.string(), expiresAt: isoDateTime });
export type InvitationPreview = z.infer<typeof invitationPreview>;
export type InvitationCreated = z.infer<typeof invitationCreated>;
export const auditLogQuery = z.object({
  limit: intFromQuery(1, 100).default(50),
  cursor: z.string().max(200).optional(),
  /** An action ("agent.created") or a kind of action ("agent": every agent.* entry). */
  action: z
    .string()
    .max(60)
    .regex(/^[a-z_]+(\.[a-z_]+)*$/, "Use an action such as agent or agent.created")
    .optional(),
  /** Entries by this member only. */
  actorUserId: uuid.optional(),
});
export const auditLogEntry = z.object({
  id: z.string(),
  actorUserId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: isoDateTime,
});
export type AuditLogEntry = z.infer<typeof auditLogEntry>;
export const auditLogPage = z.object({ data: z.array(auditLogEntry), nextCursor: z.string().nullable() });
export type AuditLogPage = z.infer<typeof auditLogPage>;
/** GET /api/auth/login: where to land afterwards (same-origin path only) and an optional invitation to accept. */
export const oidcLoginQuery = z.object({
  returnTo: z.string().max(2000).optional(),
  inviteToken: z.string().max(200).optional(),
});

// ---- admin
export const adminStats = z.object({ organizations: z.number(), users: z.number(), agents: z.number(), calls: z.number(), minutes: z.number() });
export type AdminStats = z.infer<typeof adminStats>;
export const adminOrganization = z.object({
  id: z.string(),
  name: z.string(),
  users: z.number(),
  agents: z.number(),
  calls: z.number(),
  minutes: z.number(),
  createdAt: isoDateTime,
});
export type AdminOrganization = z.infer<typeof adminOrganization>;
export const adminOrganizationList = z.object({ data: z.array(adminOrganization) });
export type AdminOrganizationList = z.infer<typeof adminOrganizationList>;
/** GET /api/admin/organizations: `search` matches the organization's name or a member's email (part of either). */
export const adminOrganizationsQuery = z.object({ search: z.string().trim().max(200).optional() });
/** GET /api/admin/organizations/:id (DESIGN §14): one organization for support, with what usually explains a question. */
export const adminOrganizationDetail = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: isoDateTime,
  calls: z.number(),
  minutes: z.number(),
  members: z.array(
    z.object({
      id: z.string(),
      email: z.string(),
      name: z.string().nullable(),
      role,
      isPlatformAdmin: z.boolean(),
      createdAt: isoDateTime,
      lastLoginAt: isoDateTime.nullable(),
    }),
  ),
  agents: z.array(
    z.object({
      id: z.string(),
      elevenLabsAgentId: z.string(),
      name: z.string(),
      createdAt: isoDateTime,
      sync: z.object({ status: z.enum(SYNC_STATUSES), lastSyncedAt: isoDateTime.nullable(), error: z.string().nullable() }),
    }),
  ),
  /** null: no ElevenLabs key saved yet. Never the key or the webhook secret. */
  integration: z
    .object({ status: z.enum(INTEGRATION_STATUSES), keyHint: z.string().nullable(), lastTestedAt: isoDateTime.nullable(), lastError: z.string().nullable() })
    .nullable(),
  lastCall: z.object({ id: z.string(), startedAt: isoDateTime, agentName: z.string().nullable(), status: z.string() }).nullable(),
  /** The newest fact received (a webhook delivery or a synced conversation), whatever its outcome. */
  lastDelivery: z
    .object({ receivedAt: isoDateTime, type: z.string().nullable(), source: z.enum(["webhook", "sync"]), state: z.string(), error: z.string().nullable() })
    .nullable(),
});
export type AdminOrganizationDetail = z.infer<typeof adminOrganizationDetail>;
/** GET /api/admin/platform-admins: who is a platform admin and how; listed addresses that are not (yet). */
export const platformAdmins = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      email: z.string(),
      name: z.string().nullable(),
      organization: z.object({ id: z.string(), name: z.string() }),
      /** "granted": `npm run admin:grant`; "verified_email": in PLATFORM_ADMIN_EMAILS with a verified email. */
      via: z.enum(["granted", "verified_email"]),
      emailVerifiedVia: z.enum(["oidc", "link"]).nullable(),
      since: isoDateTime.nullable(),
    }),
  ),
  pending: z.array(z.object({ email: z.string(), reason: z.enum(["no_account", "email_not_verified", "revoked"]) })),
});
export type PlatformAdmins = z.infer<typeof platformAdmins>;

export const idParam = z.object({ id: uuid });
