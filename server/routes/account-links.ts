/** Password reset and email confirmation (DESIGN §12): thin routes over server/services/auth. */
import { changeEmailInput, confirmEmailInput, passwordResetInput, passwordResetRequestInput, user } from "@shared/schemas";
import type { ApiRouter } from "./api-router";
import type { AppDeps } from "../deps";
import { requestPasswordReset, resetPassword } from "../services/auth/password-reset";
import { confirmEmail, resendEmailConfirmation } from "../services/auth/email-confirmation";
import { changeEmail } from "../services/auth/email-change";
import { getUserView } from "../services/auth/users";

export function accountLinkRoutes(api: ApiRouter, deps: AppDeps) {
  api.define(
    {
      method: "post",
      path: "/auth/password-reset/request",
      summary: "Ask for a password reset link (202 whatever the email; mailed when SMTP_URL is set)",
      access: "public",
      body: passwordResetRequestInput,
      status: 202,
    },
    async ({ body, req }) => {
      await requestPasswordReset(deps, body.email, req.ip);
    },
  );

  api.define(
    {
      method: "post",
      path: "/auth/password-reset",
      summary: "Set a new password with a reset link's token (once, within 1 hour; ends the person's other sessions)",
      access: "public",
      body: passwordResetInput,
      status: 204,
    },
    async ({ body, req }) => {
      await resetPassword(deps, body, req.session?.userId ? req.sessionID : undefined, req.ip);
    },
  );

  api.define(
    { method: "post", path: "/auth/confirm-email", summary: "Confirm an email address with a mailed link's token", access: "public", body: confirmEmailInput, status: 204 },
    async ({ body, req }) => {
      await confirmEmail(deps, body.token, req.ip);
    },
  );

  api.define(
    { method: "post", path: "/auth/confirm-email/resend", summary: "Mail the signed-in person a new confirmation link", access: "user", status: 202 },
    async ({ ctx }) => {
      await resendEmailConfirmation(deps, ctx.userId);
    },
  );

  api.define(
    {
      method: "post",
      path: "/auth/email",
      summary: "Change one's email (current password required); the new address gets a confirmation link",
      access: "user",
      body: changeEmailInput,
      response: user,
    },
    async ({ ctx, body, req }) => {
      await changeEmail(deps, ctx.userId, body, req.ip);
      return getUserView(deps, ctx.userId);
    },
  );
}
