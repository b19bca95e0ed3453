import {
  auditLogPage,
  auditLogQuery,
  createInvitationInput,
  idParam,
  invitationCreated,
  memberPasswordReset,
  teamMember,
  teamMembers,
  updateMemberInput,
} from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import { changeMemberRole, listMembers, removeMember } from "../services/team/members";
import { createInvitation, revokeInvitation } from "../services/team/invitations";
import { listAuditLog } from "../services/audit/list-audit-log";
import { createMemberPasswordReset } from "../services/team/member-password-reset";

export function teamRoutes(api: ApiRouter) {
  api.define(
    {
      method: "get",
      path: "/team/members",
      summary: "Team members with their roles, and pending invitations (for managers)",
      access: "user",
      permission: "team:read",
      response: teamMembers,
    },
    ({ ctx }) => listMembers(ctx),
  );
  api.define(
    {
      method: "post",
      path: "/team/invitations",
      summary: "Invite someone by email; returns the invite link to copy",
      access: "user",
      permission: "team:manage",
      body: createInvitationInput,
      response: invitationCreated,
      status: 201,
    },
    ({ ctx, body, req }) => createInvitation(ctx, body, req.ip),
  );
  api.define(
    {
      method: "delete",
      path: "/team/invitations/:id",
      summary: "Revoke a pending invitation",
      access: "user",
      permission: "team:manage",
      params: idParam,
      status: 204,
    },
    async ({ ctx, params, req }) => {
      await revokeInvitation(ctx, params.id, req.ip);
    },
  );
  api.define(
    {
      method: "patch",
      path: "/team/members/:id",
      summary: "Change a member's role (the last owner stays owner)",
      access: "user",
      permission: "team:manage",
      params: idParam,
      body: updateMemberInput,
      response: teamMember,
    },
    ({ ctx, params, body, req }) => changeMemberRole(ctx, params.id, body.role, req.ip),
  );
  api.define(
    {
      method: "delete",
      path: "/team/members/:id",
      summary: "Remove a member (never the last owner)",
      access: "user",
      permission: "team:manage",
      params: idParam,
      status: 204,
    },
    async ({ ctx, params, req }) => {
      await removeMember(ctx, params.id, req.ip);
    },
  );
  api.define(
    {
      method: "post",
      path: "/team/members/:id/password-reset",
      summary: "Make a password reset link for a member of a lower role (valid 1 hour, once; never for a platform admin)",
      access: "user",
      permission: "team:manage",
      params: idParam,
      response: memberPasswordReset,
    },
    ({ ctx, params, req }) => createMemberPasswordReset(ctx, params.id, req.ip),
  );
  api.define(
    {
      method: "get",
      path: "/team/audit-log",
      summary: "The organization's audit log, newest first",
      access: "user",
      permission: "audit:read",
      query: auditLogQuery,
      response: auditLogPage,
    },
    ({ ctx, query }) => listAuditLog(ctx, query),
  );
}
